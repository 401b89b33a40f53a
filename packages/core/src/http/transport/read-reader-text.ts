import type { ByteReader } from '../../streaming/byte-reader.ts';

/**
 * One decoder for every body: a `decode` without `{ stream: true }` keeps no state from one call
 * to the next (WHATWG Encoding, "decode": the stream is reset unless `stream` is set), so a
 * shared one gives what a new one would. A new TextDecoder and a streaming decode of each chunk
 * per body were about 3 us of a model call in the bench's seq5 loop (issue 27, ab-dist).
 */
const decoder = new TextDecoder();

/**
 * A whole body, read through its reader, as UTF-8 text: what `response.text()` gives (a leading
 * byte-order mark dropped), for the transports whose `text()` must go through a reader they
 * control (the fetch transport's, which the attempt's signal cancels; the node transport's). The
 * bytes are read by {@link readReaderBytes} and decoded once, together (a character split between
 * two chunks decodes as it would in one). A failed read cancels the reader and rejects with the
 * failure.
 * @internal
 */
export async function readReaderText(reader: ByteReader): Promise<string> {
  return decoder.decode((await readReaderBytes(reader))[0]);
}

/**
 * The bytes of a body read through its reader, to its end or to the first chunk past `maxBytes`
 * (the reader is then cancelled), and how many bytes were read. A body of one chunk is that chunk
 * (no copy); more are joined once, at the end. Every 4,096 chunks in a row are joined as they come:
 * a gateway that sends its answer a byte at a time (a socket read per byte) left an object per
 * byte, 480 MB of RSS for a 1 MiB answer (bench/RESULTS.md, attack18); joined, a body holds at
 * most a piece per 4,096 chunks and twice its bytes. `parts` holds the pieces (a test watches it).
 * A failed read cancels the reader and rejects with the failure.
 * @internal
 */
export async function readReaderBytes(
  reader: ByteReader,
  maxBytes: number = Number.POSITIVE_INFINITY,
  parts: Uint8Array[] = [],
): Promise<[bytes: Uint8Array, read: number]> {
  let read = 0;
  let joined = 0;
  try {
    while (read <= maxBytes) {
      const { done, value } = await reader.read();
      if (done) return [join(parts), read];
      read += value.byteLength;
      if (parts.push(value) - joined > 4095) joined = parts.push(join(parts.splice(joined)));
    }
  } catch (error) {
    reader.cancel().catch(() => {});
    throw error;
  }
  reader.cancel().catch(() => {});
  return [join(parts), read];
}

/** The pieces as one array: the piece itself when there is one. */
function join(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  let length = 0;
  for (const part of parts) length += part.byteLength;
  const bytes = new Uint8Array(length);
  length = 0;
  for (const part of parts) {
    bytes.set(part, length);
    length += part.byteLength;
  }
  return bytes;
}
