import { UploadError } from '../../errors/files-and-batches/upload-error.ts';

/**
 * The upload URL on the client's own origin and under its base URL's path prefix, keeping its path
 * and query: a gateway or a hostile answer cannot make the client send the key elsewhere.
 * `@google/genai` 3.1.0 copies protocol, host and port from the base URL (`uploadBlobInternal`)
 * but not the prefix, so a gateway served under a path gets its chunks at its root. Its
 * refusals name `method`, the API the caller called (`files.upload`, `fileSearchStores.upload`).
 * @internal
 */
export function rebaseUploadUrl(location: string, baseUrl: string, method: string): string {
  let target: URL;
  try {
    target = new URL(location, `${baseUrl}/`);
  } catch {
    throw new UploadError({
      message: `${method}: the x-goog-upload-url header is not a URL.`,
      reason: 'no-upload-url',
      size: 0,
    });
  }
  // A scheme other than http(s) (data:, file:, blob:, foo:) keeps its scheme through the setters
  // below and reached an injected fetch with the key's headers; credentials in the URL reached the
  // gateway as Basic auth (attack-core6).
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new UploadError({
      // The scheme is not quoted: it is the server's text, lower-cased by URL, so a key echoed
      // there would escape the redaction that matches the key as sent (files40).
      message: `${method}: the x-goog-upload-url header names a scheme that is not http(s), so no bytes were sent.`,
      reason: 'no-upload-url',
      size: 0,
    });
  }
  const base = new URL(baseUrl);
  target.protocol = base.protocol;
  target.host = base.host;
  target.username = '';
  target.password = '';
  // A gateway under a path forwards Google's upload URL, which has no prefix: the chunks go under
  // the gateway's path, once (a URL already under it keeps its path).
  const prefix = base.pathname.replace(/\/+$/, '');
  if (prefix !== '' && !target.pathname.startsWith(`${prefix}/`)) {
    target.pathname = prefix + target.pathname;
  }
  return target.toString();
}
