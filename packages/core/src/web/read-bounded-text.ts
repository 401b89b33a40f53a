import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { readReaderBytes } from '../http/transport/read-reader-text.ts';
import type { ByteReader } from '../streaming/byte-reader.ts';

/**
 * A request body as text, read up to `maxBytes` (a page's body is hostile: `request.text()` would
 * hold whatever it sends). Read by `readReaderBytes`: a body of a million one-byte chunks is held
 * as a piece per 4,096 of them, not an object per byte. Bytes that are not UTF-8 are refused,
 * never replaced: JSON between systems MUST be UTF-8 (RFC 8259 section 8.1), and a U+FFFD in
 * their place would reach the model as what the client never wrote (attack40). @internal
 * `onChunk`, when given, is told each chunk's size as it is read, before it is kept: a server
 * counting the bytes of all the bodies it is reading at once (the doors' `maxBodyBytesInFlight`)
 * throws from it to stop this body, and the reader is then cancelled and the throw passed on.
 * @throws {@link InvalidArgumentError} past `maxBytes` (argument `body`), for bytes that are not
 *   UTF-8 (argument `encoding`), and, unread, for a body with a content coding (argument
 *   `content-encoding`: see {@link hasContentCoding}).
 */
export async function readBoundedText(
  request: Request,
  maxBytes: number,
  onChunk?: ((bytes: number) => void) | undefined,
): Promise<string> {
  if (hasContentCoding(request)) {
    throw new InvalidArgumentError({
      argument: 'content-encoding',
      message: CODED_BODY_MESSAGE,
    });
  }
  const body = request.body;
  if (body === null) return '';
  const declared = declaredLength(request);
  const reader = countedReader(body.getReader(), onChunk);
  const [bytes, size] =
    declared !== undefined && declared <= maxBytes
      ? await readDeclaredBytes(reader, declared, maxBytes)
      : await readReaderBytes(reader, maxBytes);
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
 * `reader`, telling `onChunk` each chunk's size as it comes (a throw from it rejects the read, and
 * the readers here cancel on a rejected read); `reader` itself when there is no `onChunk`.
 */
function countedReader(
  reader: ByteReader,
  onChunk: ((bytes: number) => void) | undefined,
): ByteReader {
  if (onChunk === undefined) return reader;
  return {
    read: async () => {
      const result = await reader.read();
      if (!result.done) onChunk(result.value.byteLength);
      return result;
    },
    cancel: (reason) => reader.cancel(reason),
  };
}

/** The request's `Content-Length` when it is a whole number of bytes, else undefined. */
function declaredLength(request: Request): number | undefined {
  const header = request.headers.get('content-length');
  if (header === null || !/^\d{1,15}$/.test(header)) return undefined;
  return Number(header);
}

/**
 * The bytes of a body whose length was declared, copied as they come into one array of that
 * length: the chunks are let go one by one, where {@link readReaderBytes} holds them all and then
 * their join (a 21 MB image body was 42 MB of bytes at once, media-size56). A body of one chunk is
 * that chunk, no copy. A body longer than it said (a `Request` made in process may say anything)
 * goes on as `readReaderBytes` reads, from what was read. @internal
 */
export async function readDeclaredBytes(
  reader: ByteReader,
  declared: number,
  maxBytes: number,
): Promise<[bytes: Uint8Array, read: number]> {
  // The first chunk is kept as it is while it is the only one; `whole` is made at the second.
  let first: Uint8Array | undefined;
  let whole: Uint8Array | undefined;
  let read = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return [whole?.subarray(0, read) ?? first ?? new Uint8Array(0), read];
      if (read + value.byteLength > declared) {
        const parts = [whole?.subarray(0, read) ?? first, value].filter(
          (part) => part !== undefined,
        );
        const [bytes, more] = await readReaderBytes(
          reader,
          maxBytes - read - value.byteLength,
          parts,
        );
        return [bytes, read + value.byteLength + more];
      }
      if (first === undefined && whole === undefined) first = value;
      else {
        if (whole === undefined) {
          whole = new Uint8Array(declared);
          whole.set(first as Uint8Array);
          first = undefined;
        }
        whole.set(value, read);
      }
      read += value.byteLength;
    }
  } catch (error) {
    reader.cancel().catch(() => {});
    throw error;
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
