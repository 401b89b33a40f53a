import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { readReaderBytes } from '../http/transport/read-reader-text.ts';

/**
 * A request body as text, read up to `maxBytes` (a page's body is hostile: `request.text()` would
 * hold whatever it sends). Read by `readReaderBytes`: a body of a million one-byte chunks is held
 * as a piece per 4,096 of them, not an object per byte. @internal
 * @throws {@link InvalidArgumentError} past `maxBytes`.
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
  return new TextDecoder().decode(bytes);
}
