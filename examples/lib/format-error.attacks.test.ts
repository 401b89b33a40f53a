import { ApiCallError, ModelCallError } from '@gemloop/core';
import { describe, expect, it } from 'vitest';
import { formatError } from './format-error.ts';
import { createStyle } from './style.ts';

// terminal42: an API error's message, status, reason and help links are a gateway's bytes (a
// proxy's 4xx body). Printed raw, an OSC 52 in the message wrote the clipboard and a cursor-up
// erased the line above the error.
const plain = createStyle({ stream: { isTTY: false }, env: {} });
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const OSC52 = '\u001b]52;c;cm0gLXJm\u0007';

const hostile = new ApiCallError({
  message: `quota${OSC52}\u001b[1A\u001b[2K\u202Egnp.exe\nsecond line`,
  url: 'https://gw.example/v1beta/models/m:generateContent',
  method: 'generateContent',
  status: 429,
  googleStatus: `RESOURCE\u009b2J`,
  details: [
    { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'R\u0000' },
    {
      '@type': 'type.googleapis.com/google.rpc.Help',
      links: [
        {
          description: '\u001b]8;;https://evil.example\u001b\\docs\u001b]8;;\u001b\\',
          url: 'https://gw.example/\u001b[2J',
        },
      ],
    },
  ],
  isRetryable: false,
});

describe('formatError over a gateway’s hostile error', () => {
  it('shows its escapes as text, keeps the message’s own line break', () => {
    const text = formatError(hostile, plain);
    expect(text).not.toMatch(RAW_CONTROL);
    expect(text.split('\n')).toEqual([
      'Gemini API error: quota\\u{1b}]52;c;cm0gLXJm\\u{7}\\u{1b}[1A\\u{1b}[2K\\u{202e}gnp.exe',
      'second line',
      '  HTTP 429 RESOURCE\\u{9b}2J · reason R\\u{0} · generateContent https://gw.example/v1beta/models/m:generateContent',
      '  see https://gw.example/\\u{1b}[2J (\\u{1b}]8;;https://evil.example\\u{1b}\\docs\\u{1b}]8;;\\u{1b}\\)',
    ]);
  });

  it('escapes the cause of a model call’s error and an unexpected error’s message', () => {
    const call = new ModelCallError({ stepNumber: 2, run: {} as never, cause: hostile });
    expect(formatError(call, plain)).not.toMatch(RAW_CONTROL);
    expect(formatError(new Error(`boom${OSC52}`), plain)).not.toMatch(RAW_CONTROL);
    expect(formatError(`thrown ${OSC52}`, plain)).toBe(
      'Unexpected error: thrown \\u{1b}]52;c;cm0gLXJm\\u{7}',
    );
  });
});
