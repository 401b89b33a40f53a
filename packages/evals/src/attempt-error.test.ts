import { createAgent, GemloopError } from '@gemloop/core';
import { createFakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AttemptTimeout, describeError, evalSecrets, redactAttempt } from './attempt-error.ts';
import type { EvalAttempt } from './eval-result.ts';
import { runEval } from './run-eval.ts';

// What an errored attempt says in the result file and the reports: its kind, a name, a bounded
// message, the HTTP status found down a cause chain; whatever user code threw; and never a key.

const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

describe('describeError', () => {
  it('a timeout, a 429 anywhere down the cause chain, and anything else thrown', () => {
    expect(describeError(new AttemptTimeout('the case took longer than 5 ms'))).toEqual({
      kind: 'timeout',
      name: 'TimeoutError',
      message: 'the case took longer than 5 ms',
    });
    const api = Object.assign(new Error('Too many requests'), { status: 429 });
    const wrapped = new GemloopError({
      message: 'the run failed',
      cause: new Error('step 2', { cause: api }),
    });
    expect(describeError(wrapped)).toEqual({
      kind: 'rate-limited',
      name: 'GemloopError',
      message: 'the run failed',
      status: 429,
    });
    const server = Object.assign(new Error('Internal'), { status: 500 });
    expect(describeError(server)).toMatchObject({ kind: 'threw', status: 500 });
  });

  it('looks for the status only a few causes deep, and survives a cause cycle', () => {
    let deep: Error = Object.assign(new Error('root'), { status: 429 });
    for (let level = 0; level < 10; level++) deep = new Error(`level ${level}`, { cause: deep });
    expect(describeError(deep)).not.toHaveProperty('status');
    const cycle = new Error('a');
    const other = new Error('b', { cause: cycle });
    (cycle as { cause?: unknown }).cause = other;
    expect(describeError(cycle)).toMatchObject({ kind: 'threw', message: 'a' });
  });

  it('names what is not an Error _OTHER, with its text, and never throws on a hostile value', () => {
    expect(describeError('plain text')).toEqual({
      kind: 'threw',
      name: '_OTHER',
      message: 'plain text',
    });
    expect(describeError(undefined).message).toBe('undefined');
    const bare = Object.assign(Object.create(null) as object, { why: 'no prototype' });
    expect(describeError(bare).message).toBe('{"why":"no prototype"}');
    const hostile = {
      toString() {
        throw new Error('no');
      },
      toJSON() {
        throw new Error('no');
      },
    };
    expect(describeError(hostile).message).toBe('[object Object]');
    // An Error whose name was made a number by user code.
    const odd = Object.assign(new Error('m'), { name: 7 });
    expect(describeError(odd).name).toBe('_OTHER');
  });

  it('cuts a long message to 2000 characters, between characters', () => {
    const message = describeError(new Error(`${'a'.repeat(1999)}😀${'b'.repeat(5000)}`)).message;
    expect(message).toBe('a'.repeat(1999));
    expect(message).not.toMatch(loneSurrogate);
  });

  it('redacts before it cuts: a key across the bound leaves none of its characters', () => {
    const key = 'AIzaSy-boundary-key-0123456789abcdefgh';
    const redact = (text: string) => text.split(key).join('[redacted]');
    const message = describeError(new Error(`${'x'.repeat(1990)}${key} tail`), redact).message;
    expect(message).toBe(`${'x'.repeat(1990)}[redacted]`);
    expect(message).not.toContain(key.slice(0, 8));
  });
});

describe('redactAttempt', () => {
  const attempt: EvalAttempt = {
    caseId: 'c1',
    repeat: 0,
    status: 'fail',
    scores: [
      { scorer: 'echo', score: 1, pass: true, reason: 'said KEY' },
      { scorer: 'plain', score: 0, pass: false, reason: 'nothing secret' },
    ],
    text: 'The KEY is here',
    error: { kind: 'threw', name: 'Error', message: 'bad KEY', status: 401 },
    drift: { call: 1, path: '$.contents', reason: 'sent KEY' },
    totalTokens: 3,
    costUsd: null,
    latencyMs: 1,
    tags: [],
  };
  const redact = (text: string) => text.replaceAll('KEY', '[redacted]');

  it('scrubs the answer, the error, every reason and the drift; keeps the rest', () => {
    const clean = redactAttempt(attempt, redact);
    expect(JSON.stringify(clean)).not.toContain('KEY');
    expect(clean.error).toEqual({
      kind: 'threw',
      name: 'Error',
      message: 'bad [redacted]',
      status: 401,
    });
    expect(clean.drift).toEqual({ call: 1, path: '$.contents', reason: 'sent [redacted]' });
    // An untouched score stays the same object.
    expect(clean.scores[1]).toBe(attempt.scores[1]);
    expect(clean).toMatchObject({ caseId: 'c1', status: 'fail', totalTokens: 3 });
  });

  it('returns the attempt itself when nothing held a secret, and adds no error or drift it lacked', () => {
    const clean: EvalAttempt = {
      ...attempt,
      text: 'ok',
      scores: [],
      error: undefined,
      drift: undefined,
    };
    expect(redactAttempt(clean, redact)).toBe(clean);
    const { error: _, drift: __, ...bare } = attempt;
    const redacted = redactAttempt(bare, redact);
    expect(redacted).not.toHaveProperty('error');
    expect(redacted).not.toHaveProperty('drift');
  });
});

describe('evalSecrets', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('the live key and the keys createGemini falls back to, without empty ones', () => {
    vi.stubEnv('GEMINI_API_KEY', 'from-env-gemini');
    vi.stubEnv('GOOGLE_API_KEY', '');
    expect(evalSecrets('live-key')).toEqual(['live-key', 'from-env-gemini']);
    expect(evalSecrets(undefined)).toEqual(['from-env-gemini']);
    expect(evalSecrets('')).toEqual(['from-env-gemini']);
  });
});

describe('runEval: an error message that holds the key past the cut', () => {
  it('keeps no part of the key in the result', async () => {
    const key = 'AIzaSy-eval-cut-key-0123456789abcdefgh';
    await using fake = createFakeGemini({ script: () => turn.text('ok') });
    const result = await runEval({
      mode: 'live',
      live: { apiKey: key, fetch: fake.fetch },
      cases: [{ id: 'long', input: 'Hi' }],
      scorers: [],
      createAgent: ({ gemini }) => {
        void createAgent({ gemini, model: 'gemini-2.5-flash', telemetry: false });
        throw new Error(`${'x'.repeat(1985)}${key}`);
      },
    });
    const message = result.attempts[0]?.error?.message ?? '';
    expect(message.startsWith('x'.repeat(1985))).toBe(true);
    expect(message).not.toContain(key.slice(0, 6));
  });
});
