import { PassThrough } from 'node:stream';
import { createAgent, createGemini } from '@gemloop/core';
import { createFakeGemini, type FakeTurn, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../__fixtures__/capture-io.ts';
import { runTerminalChat } from './run-terminal-chat.ts';

// terminal42: `gemloop chat` writes the model's answer and tool calls to a terminal. An OSC 52
// wrote the clipboard, an OSC 8 hid a link behind other text, a cursor-up and erase-line wrote
// over the lines printed before (a tool call's real arguments). The chat shows each as text and
// keeps what an answer is made of: line breaks, tabs, emoji, CJK, right-to-left scripts.
const OSC52 = '\u001b]52;c;cm0gLXJmIH4=\u0007';
const OSC8 = '\u001b]8;;https://evil.example\u001b\\docs\u001b]8;;\u001b\\';
const UP_ERASE = '\u001b[1A\u001b[2K';
const HOSTILE = `${OSC52}${OSC8}${UP_ERASE}\u202Egpj.exe\u0000\u009b2J\u007f`;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

async function chatOnce(script: FakeTurn[], chunkSize?: number) {
  const fake = createFakeGemini({ script, ...(chunkSize === undefined ? {} : { chunkSize }) });
  const agent = createAgent({
    gemini: createGemini({ apiKey: 'test-key', retry: false, fetch: fake.fetch }),
    model: 'gemini-2.5-flash',
  });
  const input = new PassThrough();
  const io = captureIo();
  const done = runTerminalChat({ agent, title: 'the test agent', input, io, interactive: false });
  input.end('hello\n');
  expect(await done).toBe(0);
  return io;
}

describe('gemloop chat over hostile answers and tool calls (terminal42)', () => {
  it('writes the answer’s escapes as text, its newlines, tabs, emoji, CJK and RTL as they are', async () => {
    const io = await chatOnce([turn.text(`ok${HOSTILE}\nline\ttwo 🌍 東京 שלום`)]);
    expect(io.out()).not.toMatch(RAW_CONTROL);
    expect(io.out()).toBe(
      'ok\\u001b]52;c;cm0gLXJmIH4=\\u0007\\u001b]8;;https://evil.example\\u001b\\docs\\u001b]8;;\\u001b\\' +
        '\\u001b[1A\\u001b[2K\\u202egpj.exe\\u0000\\u009b2J\\u007f\nline\ttwo 🌍 東京 שלום\n',
    );
  });

  it('writes a tool call’s name and arguments as text on one line', async () => {
    const io = await chatOnce([
      turn.call(`delete${UP_ERASE}`, { path: `.env${UP_ERASE}\u009b1A${OSC52}\u202E` }),
      turn.text('done'),
    ]);
    expect(io.err()).not.toMatch(RAW_CONTROL);
    const call = io
      .err()
      .split('\n')
      .find((line) => line.includes('→'));
    expect(call).toBe(
      '  → delete\\u001b[1A\\u001b[2K({"path":".env\\u001b[1A\\u001b[2K\\u009b1A\\u001b]52;c;cm0gLXJmIH4=\\u0007\\u202e"})',
    );
  });

  // The fake streams it in 65 chunks of 65,536 characters, not its default 48 (87,382 chunks, most
  // of this file's CPU): each chunk is a text delta written through the same escape, and both
  // sizes are multiples of the sequence's four characters, so a chunk starts on an ESC either way.
  it('writes a 5 MB answer line escaped', async () => {
    const io = await chatOnce([turn.text(`${'\u001b[2K'.repeat(2 ** 20)}x`)], 2 ** 16);
    expect(io.out()).not.toMatch(RAW_CONTROL);
    expect(io.out().length).toBe(2 ** 20 * '\\u001b[2K'.length + 2);
  }, 60_000);
});
