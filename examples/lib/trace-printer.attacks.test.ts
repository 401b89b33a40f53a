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
