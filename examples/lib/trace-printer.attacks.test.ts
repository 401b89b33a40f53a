import type { AgentEvent } from '@gemloop/core';
import type { AgentToolCall } from '@gemloop/core/agent';
import type { GroundingMetadata } from '@gemloop/core/wire';
import { describe, expect, it } from 'vitest';
import { createStyle } from './style.ts';
import { createTracePrinter } from './trace-printer.ts';

// attack42c: the examples' live trace prints a run's grounding to the terminal, and that metadata
// is the model's or the gateway's bytes (gemini-wire.md §3.4). A `webSearchQueries` that was no
// list threw `queries.map is not a function` out of the example's stream loop; a title's escape
// sequence was written to the terminal as a command; 100,000 chunks printed 100,000 lines.

function print(grounding: unknown): string {
  let out = '';
  const printer = createTracePrinter({
    write: (text) => {
      out += text;
    },
    style: createStyle({ stream: { isTTY: false }, env: {} }),
  });
  printer.event({
    type: 'grounding',
    path: [],
    stepNumber: 1,
    source: 'model',
    grounding: grounding as GroundingMetadata,
  });
  printer.finishLine();
  return out;
}

describe('the trace printer reading hostile grounding', () => {
  const shapes: [string, unknown][] = [
    ['lists that are strings', { webSearchQueries: 'query', groundingChunks: 'chunks' }],
    ['lists that are objects', { webSearchQueries: { 0: 'q' }, groundingChunks: { 0: {} } }],
    [
      'entries that are null, numbers or lists',
      {
        webSearchQueries: [null, 7, ['q']],
        groundingChunks: [null, 7, 'chunk', { web: 'https://a' }, { web: { uri: 7, title: {} } }],
      },
    ],
    ['a grounding that is no object', 'grounding'],
    ['a null grounding', null],
  ];
  for (const [name, grounding] of shapes) {
    it(`${name}: prints what is text, throws nothing`, () => {
      expect(() => print(grounding)).not.toThrow();
    });
  }

  it('shows escapes and bidi overrides as text, never writes them to the terminal', () => {
    const out = print({
      webSearchQueries: ['\u001b]0;owned\u0007query'],
      groundingChunks: [
        {
          web: {
            uri: 'https://a.example/\u001b[2J',
            title: '\u001b[31mred\u001b[0m\u202Egpj.exe\nforged line',
          },
        },
      ],
    });
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(out).toContain('\\u{1b}[31mred');
    expect(out).toContain('\\u{202e}gpj.exe\\u{a}forged line');
    expect(out.split('\n').filter((line) => line !== '')).toHaveLength(2);
  });

  it('prints at most 20 sources and queries, and counts the rest', () => {
    const chunks = Array.from({ length: 100_000 }, (_, index) => ({
      web: { uri: `https://many.example/${index}`, title: `many ${index}` },
    }));
    const queries = Array.from({ length: 1000 }, (_, index) => `q${index}`);
    const out = print({ webSearchQueries: queries, groundingChunks: chunks });
    const lines = out.split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(22);
    expect(lines[0]).toContain('"q19", and 980 more');
    expect(lines[1]).toBe('    [1] many 0 https://many.example/0');
    expect(lines.at(-1)).toBe('    (and 99980 more sources)');
  });

  it('cuts a 2 MB address to the trace width', () => {
    const out = print({
      groundingChunks: [{ web: { uri: `https://huge.example/${'a'.repeat(2 ** 21)}` } }],
    });
    expect(out.length).toBeLessThan(1000);
  });
});

// terminal42: the answer, the tool calls and their results are the model's, a tool's or a
// gateway's bytes too. Streamed raw, an OSC 52 wrote the clipboard, an OSC 8 hid a link behind
// other text, a cursor-up and erase-line wrote over the lines printed before it.
const OSC52 = '\u001b]52;c;cm0gLXJmIH4=\u0007';
const OSC8 = '\u001b]8;;https://evil.example\u001b\\docs\u001b]8;;\u001b\\';
const CURSOR_UP_ERASE = '\u001b[1A\u001b[2K';
const HOSTILE = `${OSC52}${OSC8}${CURSOR_UP_ERASE}\u202Egpj.exe\u0000\u009b2J\u007f`;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function printEvents(events: AgentEvent<unknown>[]): string {
  let out = '';
  const printer = createTracePrinter({
    write: (text) => {
      out += text;
    },
    style: createStyle({ stream: { isTTY: false }, env: {} }),
  });
  for (const event of events) printer.event(event);
  printer.finishLine();
  return out;
}

const call = (fields: Partial<AgentToolCall>): AgentToolCall =>
  ({
    toolCallId: 'c1',
    toolName: 'lookup',
    args: {},
    rawArgs: {},
    outcome: 'success',
    durationMs: 1,
    ...fields,
  }) as AgentToolCall;

describe('the trace printer reading hostile answers and tool calls', () => {
  it('writes an answer’s escapes as text and keeps its newlines, tabs, emoji, CJK and RTL', () => {
    const out = printEvents([
      { type: 'text-delta', path: [], stepNumber: 1, text: `ok${HOSTILE}\nline\ttwo 🌍 東京 שלום` },
      { type: 'thought-delta', path: [], stepNumber: 1, text: CURSOR_UP_ERASE },
    ]);
    expect(out).not.toMatch(RAW_CONTROL);
    expect(out).toBe(
      '  ok\\u{1b}]52;c;cm0gLXJmIH4=\\u{7}\\u{1b}]8;;https://evil.example\\u{1b}\\docs\\u{1b}]8;;\\u{1b}\\' +
        '\\u{1b}[1A\\u{1b}[2K\\u{202e}gpj.exe\\u{0}\\u{9b}2J\\u{7f}\n' +
        '  line\ttwo 🌍 東京 שלום\n' +
        '  \\u{1b}[1A\\u{1b}[2K\n',
    );
  });

  it('writes a tool call’s name, arguments, result and error as text', () => {
    const out = printEvents([
      {
        type: 'tool-call',
        path: [],
        stepNumber: 1,
        toolCallId: 'c1',
        toolName: `look${CURSOR_UP_ERASE}`,
        args: { [`path${OSC52}`]: `.env${CURSOR_UP_ERASE}\u009b1A\u202E` },
      },
      {
        type: 'tool-result',
        path: [],
        stepNumber: 1,
        toolCall: call({ output: { text: `x\u009b2J${OSC8}` } }),
      },
      {
        type: 'tool-error',
        path: [],
        stepNumber: 1,
        outcome: 'execution-error',
        toolCall: call({ outcome: 'execution-error', error: `boom${HOSTILE}\nforged` }),
      },
    ]);
    expect(out).not.toMatch(RAW_CONTROL);
    const lines = out.split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(
      '  → look\\u{1b}[1A\\u{1b}[2K(path\\u{1b}]52;c;cm0gLXJmIH4=\\u{7}: ".env\\u001b[1A\\u001b[2K\\u{9b}1A\\u{202e}")',
    );
    expect(lines[1]).toContain('\\u{9b}2J');
    expect(lines[2]).toContain('boom\\u{1b}]52');
    expect(lines[2]).toContain('\\u{a}forged');
  });

  it('writes a 5 MB answer line escaped, in one pass', () => {
    const text = `${'\u001b[2K'.repeat(2 ** 20)}x`;
    const out = printEvents([{ type: 'text-delta', path: [], stepNumber: 1, text }]);
    expect(out).not.toMatch(RAW_CONTROL);
    expect(out.length).toBe(2 + 2 ** 20 * '\\u{1b}[2K'.length + 2);
  });
});
