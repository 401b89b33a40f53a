import { describe, expect, it } from 'vitest';
import { validateHistory } from './validate-history.ts';
import { createHistoryCheckCache } from './validate-history-cached.ts';

const user = (text: string) => ({ role: 'user', parts: [{ text }] });
const call = (name: string, extra: Record<string, unknown> = {}) => ({
  functionCall: { name, args: {}, ...extra },
});
const response = (name: string, extra: Record<string, unknown> = {}) => ({
  functionResponse: { name, response: { output: 1 }, ...extra },
});

describe('createHistoryCheckCache', () => {
  /** A content whose parts count the times an entry is read (a full check reads every part). */
  const counted = (content: { role: string; parts: unknown[] }) => {
    const reads = { count: 0 };
    const parts = new Proxy(content.parts, {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads.count++;
        return Reflect.get(target, key, receiver);
      },
    });
    return { content: { role: content.role, parts }, reads };
  };

  it('walks a content it found valid once, however often the growing history is checked', () => {
    const cache = createHistoryCheckCache();
    const { content: first, reads } = counted(user('Hello'));
    const history: unknown[] = [first];
    expect(cache.validate(history)).toEqual([]);
    const afterFirst = reads.count;
    expect(afterFirst).toBeGreaterThan(0);
    for (let turn = 0; turn < 5; turn++) {
      history.push({ role: 'model', parts: [{ text: `Answer ${turn}` }] }, user(`More ${turn}`));
      expect(cache.validate(history)).toEqual([]);
    }
    expect(reads.count).toBe(afterFirst);
  });

  it('finds the same issues as validateHistory, in contents checked before and new ones', () => {
    const cache = createHistoryCheckCache();
    const history: unknown[] = [
      user('Weather?'),
      { role: 'model', parts: [call('weather', { id: 'a' })] },
    ];
    expect(cache.validate(history)).toEqual([]);
    // The pairing rules span contents: a wrong answer to a call checked earlier is still found.
    history.push({ role: 'user', parts: [response('weather', { id: 'b' })] });
    expect(cache.validate(history)).toEqual(validateHistory(history));
    expect(cache.validate(history).map((issue) => issue.code)).toEqual([
      'function-response-id-mismatch',
    ]);
    history.push({ role: 'tool', parts: [{ text: 42 }] });
    expect(cache.validate(history)).toEqual(validateHistory(history));
  });

  it('checks again the whole exchange a new content joins (runs of one role are one turn)', () => {
    const cache = createHistoryCheckCache();
    const history: unknown[] = [
      user('Search twice'),
      { role: 'model', parts: [call('a')] },
      { role: 'user', parts: [response('a')] },
    ];
    expect(cache.validate(history)).toEqual([]);
    // A second response content joins the answer run: two responses for one call.
    history.push({ role: 'user', parts: [response('a')] });
    expect(cache.validate(history).map((issue) => issue.code)).toEqual(['function-response-count']);
    expect(cache.validate(history)).toEqual(validateHistory(history));
    // A second call content joins the call run of a valid list that ends with it.
    const calls: unknown[] = [user('Go'), { role: 'model', parts: [call('a')] }];
    expect(cache.validate(calls)).toEqual([]);
    calls.push({ role: 'model', parts: [call('b')] }, { role: 'user', parts: [response('a')] });
    expect(cache.validate(calls).map((issue) => issue.code)).toEqual(['function-response-count']);
    expect(cache.validate(calls)).toEqual(validateHistory(calls));
  });

  it('checks a content again when it gets another part, a new parts array or another role', () => {
    const cache = createHistoryCheckCache();
    const content: { role: string; parts: unknown[] } = { role: 'user', parts: [{ text: 'Hi' }] };
    expect(cache.validate([content])).toEqual([]);
    content.parts.push({});
    expect(cache.validate([content]).map((issue) => issue.code)).toEqual(['missing-part-data']);
    content.parts = [{ text: 'Hi' }];
    expect(cache.validate([content])).toEqual([]);
    content.parts = [{ text: 7 }];
    expect(cache.validate([content]).map((issue) => issue.code)).toEqual(['invalid-text']);
    content.parts = [{ text: 'Hi' }];
    expect(cache.validate([content])).toEqual([]);
    content.role = 'system';
    expect(cache.validate([content]).map((issue) => issue.code)).toEqual(['invalid-role']);
  });

  it('does not remember a content with an issue', () => {
    const cache = createHistoryCheckCache();
    const { content, reads } = counted({ role: 'user', parts: [{ text: 1 }] });
    expect(cache.validate([content]).map((issue) => issue.code)).toEqual(['invalid-text']);
    const afterFirst = reads.count;
    expect(cache.validate([content]).map((issue) => issue.code)).toEqual(['invalid-text']);
    expect(reads.count).toBeGreaterThan(afterFirst);
  });
});

describe('createHistoryCheckCache, against validateHistory', () => {
  /** A small deterministic generator (mulberry32). */
  const random = (seed: number) => () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let value = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };

  it('finds the same issues over thousands of appended, diverging and edited histories', () => {
    const next = random(7);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
    const makers: (() => { role?: string; parts: unknown[] })[] = [
      () => user('Hello'),
      () => ({ role: 'model', parts: [{ text: 'Hi', thoughtSignature: 'c2lnbmVk' }] }),
      () => ({ role: 'model', parts: [call('weather', { id: 'a' })] }),
      () => ({ role: 'model', parts: [call('weather'), call('time')] }),
      () => ({ role: 'user', parts: [response('weather', { id: 'a' })] }),
      () => ({ role: 'user', parts: [response('weather', { id: 'b' })] }),
      () => ({ role: 'user', parts: [response('weather'), response('time')] }),
      () => ({ role: 'tool', parts: [{ text: 'x' }] }),
      () => ({ role: 'user', parts: [] }),
      () => ({ role: 'user', parts: [{ text: 'a', functionCall: { name: 'f' } }] }),
    ];
    const cache = createHistoryCheckCache();
    let history: { role?: string; parts: unknown[] }[] = [];
    const pool: { role?: string; parts: unknown[] }[] = [];
    for (let step = 0; step < 3000; step++) {
      const action = next();
      if (action < 0.55 || history.length === 0) {
        // Append a new content, or one seen before (the same object again).
        const content = pool.length > 0 && next() < 0.2 ? pick(pool) : pick(makers)();
        pool.push(content);
        history = [...history, content];
      } else if (action < 0.65) {
        history = history.slice(0, Math.floor(next() * history.length));
      } else if (action < 0.75) {
        history = history.slice(Math.floor(next() * history.length));
      } else if (action < 0.85) {
        // Edits the checker must see: a part more, a new parts array, another role.
        const content = pick(history);
        const edit = next();
        if (edit < 0.33) content.parts.push(pick([{ text: 'more' }, {}, { text: 3 }]));
        else if (edit < 0.66) content.parts = [...content.parts];
        else content.role = pick(['user', 'model', 'system']);
      } else if (history.length > 0) {
        history = [...history];
      }
      expect(cache.validate(history), `step ${step}`).toEqual(validateHistory(history));
    }
  });
});
