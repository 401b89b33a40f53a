/** A parsed `Content-Type` header. @internal */
export type ContentType = { mimeType: string; charset: string | undefined };

/** The content types the web fetch tool reads by default. */
export const DEFAULT_ALLOWED_CONTENT_TYPES: readonly string[] = Object.freeze([
  'text/html',
  'application/xhtml+xml',
  'text/plain',
  'text/markdown',
  'text/csv',
  'text/xml',
  'application/xml',
  'application/json',
  'application/*+json',
  'application/*+xml',
]);

/**
 * Parses a `Content-Type` header. A missing or unparsable header is `text/plain`: the body is
 * then checked for binary content before it is shown.
 * @internal
 */
export function parseContentType(header: string | undefined): ContentType {
  if (header === undefined || header.trim() === '') {
    return { mimeType: 'text/plain', charset: undefined };
  }
  const [type = '', ...parameters] = header.split(';');
  const mimeType = type.trim().toLowerCase();
  let charset: string | undefined;
  for (const parameter of parameters) {
    const [key = '', value = ''] = parameter.split('=');
    if (key.trim().toLowerCase() === 'charset') {
      charset = value.trim().replace(/^"|"$/g, '').toLowerCase() || undefined;
    }
  }
  return {
    mimeType: /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(mimeType)
      ? mimeType
      : 'application/octet-stream',
    charset,
  };
}

/**
 * Whether a MIME type matches one of the patterns: exact (`text/html`), any subtype (`text/*`),
 * or a structured-syntax suffix (`application/*+json` matches `application/ld+json`).
 * @internal
 */
export function isContentTypeAllowed(mimeType: string, patterns: readonly string[]): boolean {
  const [type, subtype = ''] = mimeType.split('/');
  return patterns.some((pattern) => {
    const [patternType, patternSubtype = ''] = pattern.toLowerCase().split('/');
    if (patternType !== '*' && patternType !== type) return false;
    if (patternSubtype === '*') return true;
    if (patternSubtype.startsWith('*')) return subtype.endsWith(patternSubtype.slice(1));
    return patternSubtype === subtype;
  });
}

/** Whether the body is HTML to convert. @internal */
export function isHtml(mimeType: string): boolean {
  return mimeType === 'text/html' || mimeType === 'application/xhtml+xml';
}
