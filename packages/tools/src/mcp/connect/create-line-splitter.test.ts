import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLineSplitter } from './create-line-splitter.ts';

const MIB = 1024 * 1024;
/** What a pipe read gives at most (Node reads a child's stdout 64 KiB at a time). */
const PIPE_READ = 64 * 1024;

function splitter(maxLineBytes = MIB) {
  const lines: string[] = [];
  const refused: number[] = [];
  const { feed } = createLineSplitter({
    maxLineBytes,
    onLine: (line) => lines.push(line),
    onTooLong: (receivedBytes) => refused.push(receivedBytes),
  });
  return { feed: (text: string | Buffer) => feed(Buffer.from(text)), lines, refused };
}

/** The bytes `Buffer.concat` returns while `run` runs: what joining lines copies. */
function bytesJoined(run: () => void): { calls: number; bytes: number } {
  const concat = Buffer.concat;
  let calls = 0;
  let bytes = 0;
  const spy = vi.spyOn(Buffer, 'concat').mockImplementation((list, totalLength) => {
    const joined = concat(list, totalLength);
    calls++;
    bytes += joined.length;
    return joined;
  });
  try {
    run();
  } finally {
    spy.mockRestore();
  }
  return { calls, bytes };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('createLineSplitter', () => {
  it('gives each line once its newline comes, however the chunks cut it', () => {
    const { feed, lines } = splitter();
    feed('{"a":1}\n{"b"');
    expect(lines).toEqual(['{"a":1}']);
    feed(':2');
    feed('}\n\n{"c":3}\r\n{"d"');
    expect(lines).toEqual(['{"a":1}', '{"b":2}', '', '{"c":3}']);
    feed(':4}');
    expect(lines).toHaveLength(4);
  });

  it('decodes UTF-8 whose characters are cut between chunks', () => {
    const { feed, lines } = splitter();
    const bytes = Buffer.from('"é€😀"\n');
    for (const byte of bytes) feed(Buffer.of(byte));
    expect(lines).toEqual(['"é€😀"']);
  });

  it('removes only one \\r, and only before the newline', () => {
    const { feed, lines } = splitter();
    feed('a\r\r\nb\rc\n\r\n');
    expect(lines).toEqual(['a\r', 'b\rc', '']);
  });

  it('takes a line of exactly the cap, and refuses one byte more as it arrives, newline or not', () => {
    const exact = splitter(8);
    exact.feed('12345678\n');
    expect(exact.lines).toEqual(['12345678']);
    expect(exact.refused).toEqual([]);

    // Refused when the ninth byte comes, before any newline: nothing waits for the line's end.
    const over = splitter(8);
    over.feed('ok\n1234');
    over.feed('56789');
    expect(over.lines).toEqual(['ok']);
    expect(over.refused).toEqual([9]);
    // The rest of the stream is not read: not this line's end, not the lines after it.
    over.feed('0\n{"next":1}\n');
    expect(over.lines).toEqual(['ok']);
    expect(over.refused).toEqual([9]);

    const inOneChunk = splitter(8);
    inOneChunk.feed('123456789\n{"next":1}\n');
    expect(inOneChunk.lines).toEqual([]);
    expect(inOneChunk.refused).toEqual([9]);
  });

  it('counts a line across chunks against the cap, not each chunk alone', () => {
    const { feed, refused } = splitter(10);
    for (let chunk = 0; chunk < 5; chunk++) feed('xxx');
    expect(refused).toEqual([12]);
  });

  it('copies a line held in one chunk not at all, and a line of N chunks once', () => {
    const { feed, lines } = splitter();
    expect(bytesJoined(() => feed('{"a":1}\n{"b":2}\n'))).toEqual({ calls: 0, bytes: 0 });
    expect(bytesJoined(() => ['{"c"', ':', '3}\n'].forEach(feed))).toEqual({ calls: 1, bytes: 7 });
    expect(lines).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
  });

  // The MCP SDK's ReadBuffer (1.32.2) joined its whole buffer with each chunk: an N MiB line in
  // 64 KiB reads copied 16·N·(16·N+1)/2 chunks' worth, ~2 GiB for 16 MiB (bench/RESULTS.md,
  // "mcp-stdio"). Here the copying is the line's own size: linear in N, by count, not by time.
  it.each([1, 2, 4, 8])(
    'an %i MiB line read 64 KiB at a time is copied once: N MiB joined in one concat',
    (mib) => {
      const { feed, lines } = splitter(16 * MIB);
      const chunk = Buffer.alloc(PIPE_READ, 'x');
      const joined = bytesJoined(() => {
        for (let sent = 0; sent < mib * MIB; sent += PIPE_READ) feed(chunk);
        feed('\n');
      });
      expect(joined).toEqual({ calls: 1, bytes: mib * MIB });
      expect(lines).toHaveLength(1);
      expect(lines[0]?.length).toBe(mib * MIB);
    },
  );

  it('a line that never ends is refused at the cap after at most one read past it, copying nothing', () => {
    const { feed, refused } = splitter(2 * MIB);
    const chunk = Buffer.alloc(PIPE_READ, 'x');
    let fed = 0;
    const joined = bytesJoined(() => {
      while (refused.length === 0) {
        feed(chunk);
        fed += chunk.length;
      }
    });
    expect(joined).toEqual({ calls: 0, bytes: 0 });
    expect(fed).toBe(2 * MIB + PIPE_READ);
    expect(refused).toEqual([2 * MIB + PIPE_READ]);
  });
});
