/** A URL without its password, for logs and --print-config. */
export function redactUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.password) url.password = 'REDACTED';
    return url.toString();
  } catch {
    return redactUserinfo(text);
  }
}

/**
 * A URL-like text, well-formed or not, without anything that could be credentials: everything from the scheme to
 * the last `@` goes, since a malformed password may itself hold `/`, `:` or `@`.
 */
export function redactUserinfo(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/)?.*@/is, '$1<userinfo redacted>@');
}
