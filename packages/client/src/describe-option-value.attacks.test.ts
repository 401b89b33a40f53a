import { describe, expect, it } from 'vitest';
import { agentEvents } from './agent-events.ts';
import { ClientError } from './client-error.ts';
import { describeOptionValue } from './describe-option-value.ts';
import { readMessageFiles } from './read-message-files.ts';

// leftovers83 (leftovers82's note): the client's own option checks said `got ${String(value)}`
// (`readMessageFiles`' bounds) or only the kind (`agentEvents`' limits and delays: `got a
// string`): `maxFiles: '3'` (a form field, a data attribute) read `got 3.`, as if 3 were refused;
// `{}` read `got [object Object]`. They now name the value as core's option checks do: `the
// string "3"`, `3`, `an object`, a string cut at 40 characters, quoted, its controls and bidi
// marks escaped. No request is made: each option is refused before any.

async function messageOf(action: () => Promise<unknown>): Promise<string> {
  const error = await action().then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!ClientError.isInstance(error))
    throw new Error(`expected a ClientError, got ${String(error)}`);
  expect(error.code).toBe('invalid-option');
  return error.message;
}

const unfetched = () => Promise.reject(new Error('no request expected'));

const events = (options: Record<string, unknown>) => () =>
  agentEvents('http://127.0.0.1:9/run', { fetch: unfetched, ...options } as never).next();

describe("the client's option checks name the value given", () => {
  it.each([
    [{ maxFiles: '3' }, 'maxFiles is an integer of at least 1, or Infinity; got the string "3".'],
    [{ maxBytes: {} }, 'maxBytes is an integer of at least 1, or Infinity; got an object.'],
    [{ maxBytes: 0 }, 'maxBytes is an integer of at least 1, or Infinity; got 0.'],
  ])('readMessageFiles %o', async (options, expected) => {
    expect(await messageOf(() => readMessageFiles([], options as never))).toBe(expected);
  });

  it.each([
    [
      { maxEvents: '5' },
      'maxEvents must be an integer of at least 1, or Infinity for no limit; got the string "5".',
    ],
    [
      { reconnectDelayMs: 'soon' },
      'reconnectDelayMs must be a finite number of milliseconds, 0 or more; got "soon".',
    ],
    [
      { idleTimeoutMs: [1000] },
      'idleTimeoutMs must be an integer of at least 1, or Infinity for no limit; got an array.',
    ],
    [
      { maxReconnects: true },
      'maxReconnects must be an integer of at least 0, or Infinity for no limit; got true.',
    ],
    [
      { maxReconnects: -1 },
      'maxReconnects must be an integer of at least 0, or Infinity for no limit; got -1.',
    ],
  ])('agentEvents %o', async (options, expected) => {
    expect(await messageOf(events(options))).toBe(expected);
  });

  it('a long string is cut at 40 characters; controls and bidi marks escaped', async () => {
    const message = await messageOf(events({ maxEvents: `\u202e\u009b${'9'.repeat(100)}` }));
    expect(message).toBe(
      `maxEvents must be an integer of at least 1, or Infinity for no limit; got "\\u202e\\u009b${'9'.repeat(38)}...".`,
    );
  });
});

describe("the client's describer and core's agree", () => {
  it.each([
    5000,
    -1,
    0,
    true,
    null,
    undefined,
    Number.NaN,
    10n,
    '',
    ' ',
    '5000',
    ' 12 ',
    'true',
    'NaN',
    'raise',
    'x'.repeat(41),
    'a\nb\x1b',
    'C:\\dir',
    [],
    {},
    () => 1,
  ])('%o', async (value) => {
    // Core's is imported here only: the page's bundle never holds it.
    const { describeValue } = await import('@gemloop/core/internal');
    expect(describeOptionValue(value)).toBe(describeValue(value));
  });
});
