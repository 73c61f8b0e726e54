/** Inline code in a Markdown table. */
export function code(text: string): string {
  return '`' + text + '`';
}

/**
 * A Markdown table cell: no bare pipe, no line break, and outside code spans no `__` that Markdown would read as
 * bold (`__other__`, the catch-all series, must show as written).
 */
export function cell(text: string): string {
  return text
    .replaceAll('|', '\\|')
    .replaceAll('\n', ' ')
    .split('`')
    .map((part, index) => (index % 2 === 0 ? part.replaceAll('__', '\\_\\_') : part))
    .join('`');
}
