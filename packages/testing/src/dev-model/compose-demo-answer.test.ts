import { describe, expect, it } from 'vitest';
import { composeDemoAnswer, summarizeExchanges } from './compose-demo-answer.ts';
import type { Exchange } from './read-loop-exchanges.ts';

// The demo model's final answer from its tool results: one sentence per call, failures said.

const ok = (name: string, response: unknown): Exchange => ({ name, args: {}, response });
const failed = (name: string): Exchange => ({ name, args: {}, response: { error: 'boom' } });

describe('composeDemoAnswer', () => {
  it('answers one result with its sentence alone', () => {
    const answer = composeDemoAnswer([ok('get_weather', { output: { temperatureC: 18 } })]);
    expect(answer).not.toContain('Here is what I found');
    expect(answer).not.toContain('\n');
  });

  it('opens and closes several results', () => {
    const answer = composeDemoAnswer([ok('a', { output: 1 }), ok('b', { output: 2 })]);
    expect(answer.startsWith('Here is what I found:\n\n')).toBe(true);
    expect(answer.endsWith('\n\nLet me know if you need anything else.')).toBe(true);
    expect(answer.split('\n\n')[1]?.split('\n')).toHaveLength(2);
  });

  it('says when some or all calls failed', () => {
    expect(composeDemoAnswer([ok('a', { output: 1 }), failed('b')])).toMatch(
      /Some calls failed; ask again if you want me to retry them\.$/,
    );
    expect(composeDemoAnswer([failed('a'), failed('b')])).toMatch(
      /^I tried, but the tools reported errors:/,
    );
  });

  it('takes responses of any shape', () => {
    for (const response of [
      undefined,
      null,
      'text',
      42,
      [],
      { error: null },
      { __proto__: null },
    ]) {
      expect(() => composeDemoAnswer([ok('a', response), ok('b', response)])).not.toThrow();
    }
  });
});

describe('summarizeExchanges', () => {
  it('joins the sentences on one line', () => {
    const summary = summarizeExchanges([ok('a', { output: 1 }), ok('b', { output: 2 })]);
    expect(summary).not.toContain('\n');
    expect(summarizeExchanges([])).toBe('');
  });
});
