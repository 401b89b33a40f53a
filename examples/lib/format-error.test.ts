import { ApiCallError, InvalidArgumentError, ModelCallError } from '@gemloop/core';
import { AgentAbortedError, MissingApiKeyError } from '@gemloop/core/errors';
import { describe, expect, it } from 'vitest';
import { formatError } from './format-error.ts';
import { createStyle } from './style.ts';

const plain = createStyle({ stream: { isTTY: false }, env: {} });
const emptyRun = {
  contents: [],
  newContents: [],
  steps: [],
  usage: {} as never,
  cost: {} as never,
};

const badKey = new ApiCallError({
  message:
    'generateContent failed with HTTP 400 INVALID_ARGUMENT: API key not valid. Check the key.',
  url: 'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent',
  method: 'generateContent',
  status: 400,
  googleStatus: 'INVALID_ARGUMENT',
  details: [
    { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' },
    {
      '@type': 'type.googleapis.com/google.rpc.Help',
      links: [{ description: 'Get a key', url: 'https://aistudio.google.com/apikey' }],
    },
  ],
  isRetryable: false,
});

describe('formatError', () => {
  it('prints an API error as its message, the facts and the help links, without a stack', () => {
    const text = formatError(badKey, plain);
    expect(text.split('\n')).toEqual([
      'Gemini API error: generateContent failed with HTTP 400 INVALID_ARGUMENT: API key not valid. Check the key.',
      '  HTTP 400 INVALID_ARGUMENT · reason API_KEY_INVALID · generateContent https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent',
      '  see https://aistudio.google.com/apikey (Get a key)',
    ]);
  });

  it('names the failed step when the API error came through the agent', () => {
    const error = new ModelCallError({ stepNumber: 2, run: emptyRun, cause: badKey });
    const text = formatError(error, plain);
    expect(text.split('\n')[0]).toBe('The model call of step 2 failed.');
    expect(text).toContain('Gemini API error: generateContent failed with HTTP 400');
    expect(text).not.toMatch(/^\s+at /m);
  });

  it('explains a missing key, a bad option and a cancel in one line each', () => {
    expect(
      formatError(new MissingApiKeyError({ environmentVariables: ['GEMINI_API_KEY'] }), plain),
    ).toMatch(/^No API key\. No Gemini API key: pass \{ apiKey \}/);
    expect(
      formatError(
        new InvalidArgumentError({ argument: 'maxSteps', message: 'maxSteps must be at least 1.' }),
        plain,
      ),
    ).toBe('Invalid maxSteps: maxSteps must be at least 1.');
    expect(formatError(new AgentAbortedError({ phase: 'model-call', run: emptyRun }), plain)).toBe(
      'Cancelled after 0 step(s).',
    );
  });

  it('keeps the stack of an unexpected error, because that is a bug to report', () => {
    const text = formatError(new TypeError('x is not a function'), plain);
    expect(text).toContain('Unexpected error (a bug in this example or in gemloop):');
    expect(text).toMatch(/^\s+at /m);
  });
});
