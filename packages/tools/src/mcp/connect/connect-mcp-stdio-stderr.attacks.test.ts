import { describe, expect, it } from 'vitest';
import { createRecordingLogger } from '../__fixtures__/mcp-test-helpers.ts';
import { McpServerError } from '../errors/mcp-server-error.ts';
import { connectMcpStdio } from './connect-mcp-stdio.ts';

// Attack (attack43b): what a stdio MCP server writes to stderr before it dies, read back through
// the error and the `debug` lines. Its `env` values are secrets the connection redacts, but:
// - each stderr chunk was redacted and logged on its own, so a token split across two pipe
//   reads reached the log as its two halves ("key is sk-live-0123", "456789abcdef...");
// - the tail kept for the error is the last 8 KiB, cut before redaction: when the cut fell inside
//   the token, the `stderr` of the McpServerError began with its last characters;
// - terminal escapes (clear screen, OSC 8 links, carriage returns, bidi overrides) went raw into
//   the error's message, as the server's name had before it was made plain.

const TOKEN = 'sk-live-0123456789abcdefghijklmnop';

/** Connects to `node -e script` (which dies before the handshake) and returns what it threw. */
async function failedConnect(script: string) {
  const { logger, lines } = createRecordingLogger();
  const error = await connectMcpStdio({
    command: process.execPath,
    args: ['-e', script],
    env: { API_TOKEN: TOKEN },
    logger,
  }).then(
    () => {
      throw new Error('expected the connection to fail');
    },
    (thrown: unknown) => thrown,
  );
  expect(McpServerError.isInstance(error) && error.reason).toBe('connect-failed');
  const logged = lines
    .filter(({ message }) => message === 'mcp server stderr')
    .map(({ fields }) => String(fields['line']));
  return { error: error as McpServerError, logged };
}

/** Every piece of the token of 8 characters or more that `text` holds. */
function tokenPieces(text: string): string[] {
  const pieces: string[] = [];
  for (let start = 0; start + 8 <= TOKEN.length; start++) {
    const piece = TOKEN.slice(start, start + 8);
    if (text.includes(piece)) pieces.push(piece);
  }
  return pieces;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('connectMcpStdio reading a dying server stderr', { timeout: 60_000 }, () => {
  it('a token written in two pieces is never logged as its halves', async () => {
    const { error, logged } = await failedConnect(`
      const token = process.env.API_TOKEN;
      process.stderr.write('boot: key is ' + token.slice(0, 12));
      setTimeout(() => {
        process.stderr.write(token.slice(12) + '\\nbye\\n', () => process.exit(1));
      }, 200);
    `);
    expect(logged).toEqual(['boot: key is [redacted]', 'bye']);
    expect(error.message).toContain('boot: key is [redacted]\nbye');
  });

  it('the tail kept for the error never starts with the end of a token', async () => {
    const { error } = await failedConnect(`
      const token = process.env.API_TOKEN;
      process.stderr.write('key is ' + token + 'x'.repeat(8192 - 10), () => process.exit(1));
    `);
    const json = JSON.stringify(error.toJSON());
    expect(tokenPieces(json)).toEqual([]);
    expect(tokenPieces(error.stderr ?? '')).toEqual([]);
    expect(error.stderr?.startsWith('[redacted]')).toBe(true);
  });

  it('terminal escapes are taken out of the message and the stderr it carries; colours leave their text', async () => {
    const { error, logged } = await failedConnect(`
      process.stderr.write('\\u001b[31mError:\\u001b[0m boom\\r\\n\\u001b[2J\\u001b]8;;http://evil\\u0007click\\u001b]8;;\\u0007 \\u202e\\u061cforged\\n', () => process.exit(1));
    `);
    expect(error.message).toContain('Error: boom\nclick forged');
    expect(error.message).not.toMatch(CONTROL);
    expect(error.stderr).not.toMatch(CONTROL);
    expect(logged).toEqual(['Error: boom', 'click forged']);
  });

  it('a stderr line that never ends is logged bounded, and the error stays short', async () => {
    const { error, logged } = await failedConnect(`
      const chunk = 'y'.repeat(64 * 1024);
      let left = 160;
      const more = () => {
        while (left > 0) { left--; if (!process.stderr.write(chunk)) return process.stderr.once('drain', more); }
        process.stderr.write('', () => process.exit(1));
      };
      more();
    `);
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.join('').length).toBeLessThan(20_000);
    expect(error.message.length).toBeLessThan(2500);
    expect((error.stderr ?? '').length).toBeLessThanOrEqual(8192 + 100);
  });
});
