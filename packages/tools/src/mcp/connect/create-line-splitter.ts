/** What {@link createLineSplitter} is built from. @internal */
export type LineSplitterOptions = {
  /** The most bytes of one line, its newline not counted (`\r` before it is). */
  maxLineBytes: number;
  /** Each complete line, decoded as UTF-8, a `\r` before its newline removed. */
  onLine: (line: string) => void;
  /**
   * The line being read passed `maxLineBytes`: `receivedBytes` of it were seen, nothing after
   * them is read, and every later `feed` is ignored.
   */
  onTooLong: (receivedBytes: number) => void;
};

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * Splits a byte stream into newline-delimited lines (the MCP stdio framing), without I/O: the
 * caller feeds chunks as they come. A line's chunks are kept in a list and joined once, at its
 * newline, so a line of N bytes costs N bytes of copying whatever the chunk size, and it is
 * refused as soon as its bytes pass the cap, before the rest arrives.
 *
 * The MCP SDK's own reader (`ReadBuffer`, 1.32.2) joins the whole buffer with each chunk: a 16 MiB
 * line in 64 KiB pipe reads copied ~2 GiB. Counted in create-line-splitter.test.ts.
 * @internal
 */
export function createLineSplitter({ maxLineBytes, onLine, onTooLong }: LineSplitterOptions): {
  feed(chunk: Buffer): void;
} {
  let parts: Buffer[] = [];
  let held = 0;
  let refused = false;
  const refuse = (receivedBytes: number): void => {
    refused = true;
    parts = [];
    held = 0;
    onTooLong(receivedBytes);
  };
  return {
    feed(chunk) {
      if (refused) return;
      let start = 0;
      let end = chunk.indexOf(NEWLINE);
      while (end !== -1) {
        const size = held + end - start;
        if (size > maxLineBytes) return refuse(size);
        const tail = chunk.subarray(start, end);
        const line = held === 0 ? tail : Buffer.concat([...parts, tail], size);
        parts = [];
        held = 0;
        start = end + 1;
        const last = line.length - 1;
        onLine(line.toString('utf8', 0, line[last] === CARRIAGE_RETURN ? last : line.length));
        end = chunk.indexOf(NEWLINE, start);
      }
      const rest = chunk.length - start;
      if (held + rest > maxLineBytes) return refuse(held + rest);
      if (rest > 0) {
        parts.push(start === 0 ? chunk : chunk.subarray(start));
        held += rest;
      }
    },
  };
}
