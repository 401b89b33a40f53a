import { createAgent } from '@gemloop/core';
import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { formatSummary } from './report/format-summary.ts';
import { toJunitXml } from './report/to-junit.ts';
import { runEval } from './run-eval.ts';
import { MAX_REASON_CHARS, type Scorer } from './scorer.ts';

// Attack (attack-core9): scorers written by users, throwing what no one expects. Each must end as
// its attempt's error (the other cases kept), bounded, never as runEval's own rejection.

const evil: [string, () => unknown][] = [
  ['null', () => null],
  ['a Symbol', () => Symbol('boom')],
  ['an object without a prototype', () => Object.create(null)],
  [
    'an Error whose message and name are getters that throw',
    () => {
      const error = new Error('x');
      Object.defineProperty(error, 'message', {
        get() {
          throw new Error('message getter');
        },
      });
      Object.defineProperty(error, 'name', {
        get() {
          throw new Error('name getter');
        },
      });
      return error;
    },
  ],
  [
    'a Proxy that throws on every trap',
    () =>
      new Proxy(
        {},
        {
          get() {
            throw new Error('get trap');
          },
          getPrototypeOf() {
            throw new Error('prototype trap');
          },
          has() {
            throw new Error('has trap');
          },
        },
      ),
  ],
  [
    'an Error named with 1 MB of text and escape sequences',
    () => {
      const error = new Error('short');
      error.name = `\u001b[2J${'N'.repeat(1_000_000)}`;
      return error;
    },
  ],
  [
    'an object with a status getter that throws',
    () => ({
      get status() {
        throw new Error('status getter');
      },
    }),
  ],
];

describe('runEval attacked by scorers that throw anything', () => {
  it('records each as an errored attempt, bounded, and keeps the case that passed', async () => {
    await using fake = createFakeGemini({ script: () => turn.text('ok') });
    const scorer: Scorer = {
      name: 'evil',
      score({ evalCase }) {
        const found = evil.find(([name]) => name === evalCase.id);
        if (found === undefined) return { scorer: 'evil', score: 1, pass: true, reason: 'fine' };
        throw found[1]();
      },
    };
    const result = await runEval({
      mode: 'live',
      live: { apiKey: 'k', fetch: fake.fetch },
      cases: [{ id: 'good', input: 'Hi' }, ...evil.map(([name]) => ({ id: name, input: 'Hi' }))],
      scorers: [scorer],
      createAgent: ({ gemini }) =>
        createAgent({ gemini, model: 'gemini-2.5-flash', telemetry: false }),
    });
    const byId = new Map(result.attempts.map((attempt) => [attempt.caseId, attempt]));
    expect(byId.get('good')?.status).toBe('pass');
    for (const [name] of evil) {
      const attempt = byId.get(name);
      expect(attempt?.status, name).toBe('error');
      expect(JSON.stringify(attempt?.error).length, name).toBeLessThan(5000);
    }
    expect(formatSummary(result)).not.toContain('\u001b');
    expect(toJunitXml(result).length).toBeLessThan(60_000);
  });
});

// leftovers36: a scorer that answers (rather than throws) with a 10 MB reason, or a 10 MB name,
// had it kept whole: in the result, its file, the JUnit report and every `case-end` event.
describe('runEval given a scorer verdict with a 10 MB reason', () => {
  it(`keeps the first ${MAX_REASON_CHARS} characters of the reason and says how much was cut`, async () => {
    await using fake = createFakeGemini({ script: () => turn.text('ok') });
    const huge = `because ${'x'.repeat(10_000_000)}`;
    const scorer: Scorer = {
      name: 'verbose',
      score: () => ({ scorer: 'n'.repeat(10_000_000), score: 1, pass: true, reason: huge }),
    };
    const result = await runEval({
      mode: 'live',
      live: { apiKey: 'k', fetch: fake.fetch },
      cases: [{ id: 'long', input: 'Hi' }],
      scorers: [scorer],
      createAgent: ({ gemini }) =>
        createAgent({ gemini, model: 'gemini-2.5-flash', telemetry: false }),
    });
    const [score] = result.attempts[0]?.scores ?? [];
    expect(result.attempts[0]?.status).toBe('pass');
    expect(score?.reason.startsWith(huge.slice(0, MAX_REASON_CHARS))).toBe(true);
    expect(score?.reason).toContain(`[${huge.length - MAX_REASON_CHARS} characters omitted]`);
    expect(score?.reason.length).toBeLessThan(MAX_REASON_CHARS + 100);
    expect(score?.scorer.length).toBeLessThanOrEqual(200);
    expect(toJunitXml(result).length).toBeLessThan(60_000);
  });
});
