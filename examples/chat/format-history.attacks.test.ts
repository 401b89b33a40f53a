import type { ChatTurn } from '@gemloop/core/chat';
import { describe, expect, it } from 'vitest';
import { createStyle } from '../lib/style.ts';
import { formatHistory } from './format-history.ts';

// terminal42: /history prints the stored turns, and those are the model's, the tools' and any
// store writer's bytes: an escape in them was written to the terminal as a command.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const ESCAPES = '\u001b]52;c;cm0=\u0007\u001b[1A\u001b[2K\u009b2J\u202E';

describe('formatHistory over hostile stored turns', () => {
  it('shows text, call names, arguments, results and mime types with their escapes as text', () => {
    const turns = [
      {
        contents: [
          { role: 'user', parts: [{ text: `hi${ESCAPES}` }] },
          {
            role: 'model',
            parts: [
              { text: `answer 東京 🌍${ESCAPES}` },
              { functionCall: { name: `look${ESCAPES}`, args: { q: `x${ESCAPES}` } } },
              { inlineData: { mimeType: `image/png${ESCAPES}`, data: '' } },
            ],
          },
          {
            role: 'user',
            parts: [{ functionResponse: { name: `look${ESCAPES}`, response: { r: ESCAPES } } }],
          },
        ],
      },
    ] as unknown as ChatTurn[];
    const text = formatHistory(turns, createStyle({ stream: { isTTY: false }, env: {} }));
    expect(text).not.toMatch(RAW_CONTROL);
    const lines = text.split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[2]).toBe(
      '  model answer 東京 🌍\\u{1b}]52;c;cm0=\\u{7}\\u{1b}[1A\\u{1b}[2K\\u{9b}2J\\u{202e}',
    );
  });
});
