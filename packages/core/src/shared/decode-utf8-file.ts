/**
 * A file's bytes as text when they are UTF-8, else the line (1-based) of the first byte that is
 * not: a dataset or run file saved in another encoding (an editor's Windows-1252 `é` is the
 * single byte 0xE9) was read with each such byte as U+FFFD, and the case sent the model, or
 * expected, what no one wrote (attack43a). JSON between systems must be UTF-8 (RFC 8259 section
 * 8.1). A byte-order mark is kept, as Node's `readFile('utf8')` keeps it, for the readers that
 * skip it. The line is found only on failure: no UTF-8 sequence holds a line feed or carriage
 * return byte, so each line (ended by LF, CRLF or a CR alone) decodes alone. @internal
 */
export function decodeUtf8File(bytes: Uint8Array): { text: string } | { line: number } {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  try {
    return { text: decoder.decode(bytes) };
  } catch {
    let line = 1;
    let start = 0;
    for (let index = 0; index <= bytes.length; index++) {
      const byte = bytes[index];
      if (index < bytes.length && byte !== LF && byte !== CR) continue;
      try {
        decoder.decode(bytes.subarray(start, index));
      } catch {
        return { line };
      }
      line++;
      // CRLF is one line end; a CR alone (classic Mac) is one too, as the dataset parser and the
      // viewer number lines: counted at LF only, a CR-only file's bad byte was always "line 1".
      if (byte === CR && bytes[index + 1] === LF) index++;
      start = index + 1;
    }
    // Unreachable: the whole failed, so one line does.
    return { line: line - 1 };
  }
}

const LF = 0x0a;
const CR = 0x0d;
