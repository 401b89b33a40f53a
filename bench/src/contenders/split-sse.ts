/**
 * The floor's SSE reader: split on the blank line Gemini sends (`\r\n\r\n`) and JSON.parse each
 * `data: ` payload. Deliberately minimal (no `event:`/`id:` fields, no LF-only framing, no
 * multi-line data): it is the least any client must do, not a general parser.
 */
export class SseSplitter {
  #buffer = '';
  readonly #decoder = new TextDecoder();
  readonly #onJson: (value: unknown) => void;

  constructor(onJson: (value: unknown) => void) {
    this.#onJson = onJson;
  }

  /** Feeds one body piece; calls `onJson` for every complete event in it. */
  feed(piece: Uint8Array): void {
    const buffer = this.#buffer + this.#decoder.decode(piece, { stream: true });
    let start = 0;
    let end = buffer.indexOf('\r\n\r\n', start);
    while (end !== -1) {
      if (buffer.startsWith('data: ', start))
        this.#onJson(JSON.parse(buffer.slice(start + 6, end)));
      start = end + 4;
      end = buffer.indexOf('\r\n\r\n', start);
    }
    this.#buffer = start === 0 ? buffer : buffer.slice(start);
  }
}
