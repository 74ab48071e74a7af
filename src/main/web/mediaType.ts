/**
 * Whether a Content-Type header names JSON: its media type, the `type/subtype`
 * before any `;` parameters, trimmed and compared without regard to case
 * (RFC 9110 §8.3.1), is exactly `application/json`. So `APPLICATION/JSON` and
 * `application/json; charset=utf-8` pass, and `application/jsonp` or
 * `application/json-seq` do not, as a prefix test would let them. Only the
 * media type matters here, so this small exact reading does instead of a
 * parser package, which would be a new dependency of the packaged app.
 */
export function isJsonMediaType(header: string | undefined): boolean {
  if (header === undefined) return false;
  const semicolon = header.indexOf(';');
  const mediaType = (semicolon === -1 ? header : header.slice(0, semicolon)).trim().toLowerCase();
  return mediaType === 'application/json';
}
