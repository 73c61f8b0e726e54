/** Inline code in a Markdown table. */
export function code(text: string): string {
  return '`' + text + '`';
}

/** A Markdown table cell: no bare pipe, no line break. */
export function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}
