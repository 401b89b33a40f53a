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
 * control (the fetch transport's, which the attempt's signal cancels; the node transport's
 * decoded bodies). The chunks are decoded once, together, at the end (a character split between
 * two chunks decodes as it would in one). A failed read cancels the reader and rejects with the
 * failure.
 * @internal
 */
export async function readReaderText(reader: ByteReader): Promise<string> {
  let first: Uint8Array | undefined;
  let more: Uint8Array[] | undefined;
  let length = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      length += value.byteLength;
      if (first === undefined) first = value;
      else {
        more ??= [];
        more.push(value);
      }
    }
  } catch (error) {
    reader.cancel().catch(() => {});
    throw error;
  }
  if (first === undefined) return '';
  if (more === undefined) return decoder.decode(first);
  const bytes = new Uint8Array(length);
  bytes.set(first, 0);
  let offset = first.byteLength;
  for (const chunk of more) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return decoder.decode(bytes);
}
