import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { readReaderBytes } from '../http/transport/read-reader-text.ts';

/**
 * A request body as text, read up to `maxBytes` (a page's body is hostile: `request.text()` would
 * hold whatever it sends). Read by `readReaderBytes`: a body of a million one-byte chunks is held
 * as a piece per 4,096 of them, not an object per byte. Bytes that are not UTF-8 are refused,
 * never replaced: JSON between systems MUST be UTF-8 (RFC 8259 section 8.1), and a U+FFFD in
 * their place would reach the model as what the client never wrote (attack40). @internal
 * @throws {@link InvalidArgumentError} past `maxBytes` (argument `body`), for bytes that are not
 *   UTF-8 (argument `encoding`), and, unread, for a body with a content coding (argument
 *   `content-encoding`: see {@link hasContentCoding}).
 */
export async function readBoundedText(request: Request, maxBytes: number): Promise<string> {
  if (hasContentCoding(request)) {
    throw new InvalidArgumentError({
      argument: 'content-encoding',
      message: CODED_BODY_MESSAGE,
    });
  }
  const body = request.body;
  if (body === null) return '';
  const [bytes, size] = await readReaderBytes(body.getReader(), maxBytes);
  if (size > maxBytes) {
    throw new InvalidArgumentError({
      argument: 'body',
      message: `The request body is over ${maxBytes} bytes.`,
    });
  }
  try {
    // `fatal`: throws at the first byte that is not UTF-8, where `request.text()` writes U+FFFD.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InvalidArgumentError({
      argument: 'encoding',
      message: 'The request body is not UTF-8: send the JSON encoded as UTF-8 (RFC 8259).',
    });
  }
}

/**
 * What a server reading bodies with {@link readBoundedText} says to one sent with a
 * `Content-Encoding` (`gzip`, `br`, a list). @internal
 */
export const CODED_BODY_MESSAGE =
  'The request body has a Content-Encoding, which this server does not decode: send it uncompressed, without Content-Encoding.';

/**
 * Whether `request` declares a content coding other than `identity` (RFC 9110 section 8.4).
 * Nothing here decodes one: read as the body, such bytes are acted on although their label says
 * they are something else (plain JSON labelled `br` approved a call, attack44a), and a proxy in
 * front that decodes them would read another body; such a request is answered 415 (RFC 9110
 * section 15.5.16). @internal
 */
export function hasContentCoding(request: Request): boolean {
  const coding = request.headers.get('content-encoding');
  if (coding === null) return false;
  return coding.split(',').some((each) => {
    const token = each.trim().toLowerCase();
    return token !== '' && token !== 'identity';
  });
}
