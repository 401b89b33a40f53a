import type { ByteReader } from '../../streaming/byte-reader.ts';

/**
 * A whole body, read through its reader, as UTF-8 text: what `response.text()` gives (a leading
 * byte-order mark dropped), for the transports whose `text()` must go through a reader they
 * control (the fetch transport's, which the attempt's signal cancels; the node transport's
 * decoded bodies). A failed read cancels the reader and rejects with the failure.
 * @internal
 */
export async function readReaderText(reader: ByteReader): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return text + decoder.decode();
      text += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    reader.cancel().catch(() => {});
    throw error;
  }
}
