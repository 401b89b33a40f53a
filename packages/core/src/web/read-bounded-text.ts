import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { readReaderBytes } from '../http/transport/read-reader-text.ts';

/**
 * A request body as text, read up to `maxBytes` (a page's body is hostile: `request.text()` would
 * hold whatever it sends). Read by `readReaderBytes`: a body of a million one-byte chunks is held
 * as a piece per 4,096 of them, not an object per byte. Bytes that are not UTF-8 are refused,
 * never replaced: JSON between systems MUST be UTF-8 (RFC 8259 section 8.1), and a U+FFFD in
 * their place would reach the model as what the client never wrote (attack40). @internal
 * @throws {@link InvalidArgumentError} past `maxBytes` (argument `body`), and for bytes that are
 *   not UTF-8 (argument `encoding`).
 */
export async function readBoundedText(request: Request, maxBytes: number): Promise<string> {
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
