import { describe, expect, it } from 'vitest';
import type { Content } from '../wire/content.ts';
import {
  answerOf,
  type CallRecords,
  callSignature,
  readCalls,
  STEER_KEY,
  sameAnswer,
} from './call-records.ts';

// What the loop guard reads of a run's history: each answered call with the response the model
// got, paired as the API pairs them, read incrementally, and started over where a person spoke.

const fresh = (): CallRecords => ({ records: [], read: 0, open: [] });

const user = (text: string): Content => ({ role: 'user', parts: [{ text }] });
const calls = (...list: [name: string, args: unknown, id?: string][]): Content => ({
  role: 'model',
  parts: list.map(([name, args, id]) => ({
    functionCall: { name, args: args as Record<string, unknown>, ...(id && { id }) },
  })),
});
const responses = (...list: [name: string, response: unknown, id?: string][]): Content => ({
  role: 'user',
  parts: list.map(([name, response, id]) => ({
    functionResponse: { name, response: response as Record<string, unknown>, ...(id && { id }) },
  })),
});

const summary = (records: ReturnType<typeof readCalls>) =>
  records.map((record) => [record.toolName, record.signature?.split('\u0000')[1], record.failed]);

describe('readCalls', () => {
  it('pairs each call with its response, in the order they were answered', () => {
    const history = [
      user('weather?'),
      calls(['weather', { city: 'Oslo' }], ['weather', { city: 'Rome' }]),
      responses(['weather', { temp: 1 }], ['weather', { temp: 20 }]),
    ];
    const records = readCalls(fresh(), history, 10);
    expect(summary(records)).toEqual([
      ['weather', '{"city":"Oslo"}', false],
      ['weather', '{"city":"Rome"}', false],
    ]);
    expect(records.map((record) => record.response)).toEqual([{ temp: 1 }, { temp: 20 }]);
  });

  it('pairs by id when both sides carry one, whatever order the responses come in', () => {
    const history = [
      user('go'),
      calls(['fetch', { url: 'a' }, 'id-a'], ['fetch', { url: 'b' }, 'id-b']),
      responses(['fetch', { body: 'B' }, 'id-b'], ['fetch', { body: 'A' }, 'id-a']),
    ];
    const records = readCalls(fresh(), history, 10);
    expect(
      records.map((record) => [record.signature?.split('\u0000')[1], record.response]),
    ).toEqual([
      ['{"url":"b"}', { body: 'B' }],
      ['{"url":"a"}', { body: 'A' }],
    ]);
  });

  it('skips a response that answers no open call (another name, an id no call had)', () => {
    const history = [
      user('go'),
      calls(['search', { q: 'x' }, 'c1']),
      responses(
        ['lookup', { found: true }],
        ['search', { hits: 0 }, 'other'],
        ['search', { hits: 2 }, 'c1'],
      ),
    ];
    const records = readCalls(fresh(), history, 10);
    expect(records.map((record) => record.response)).toEqual([{ hits: 2 }]);
  });

  it('answers each call once: a second response to the same call is not a second record', () => {
    const history = [
      user('go'),
      calls(['ping', {}]),
      responses(['ping', { ok: 1 }], ['ping', { ok: 2 }]),
    ];
    expect(readCalls(fresh(), history, 10).map((record) => record.response)).toEqual([{ ok: 1 }]);
  });

  it('gives the same signature to the same arguments in another key order, and a call without args {}', () => {
    const history = [
      user('go'),
      calls(['book', { from: 'A', to: 'B', when: { day: 1, hour: 2 } }], ['list', undefined]),
      responses(['book', {}], ['list', {}]),
    ];
    const [book, list] = readCalls(fresh(), history, 10);
    expect(book?.signature).toBe(
      callSignature('book', { when: { hour: 2, day: 1 }, to: 'B', from: 'A' }),
    );
    expect(list?.signature).toBe(callSignature('list', {}));
    // The tool's name is part of the identity, and no name can forge another's signature.
    expect(callSignature('a', { b: 1 })).not.toBe(callSignature('a\u0000{"b":1}', {}));
  });

  it('marks a call failed only when its response is an { error } string', () => {
    const history = [
      user('go'),
      calls(['a', { n: 1 }], ['b', { n: 2 }], ['c', { n: 3 }], ['d', { n: 4 }]),
      responses(
        ['a', { error: 'boom' }],
        ['b', { error: { code: 1 } }],
        ['c', { result: 'fine', error: null }],
        ['d', null],
      ),
    ];
    expect(readCalls(fresh(), history, 10).map((record) => record.failed)).toEqual([
      true,
      false,
      false,
      false,
    ]);
  });

  it("counts a guard's own steer as what the call had got before it", () => {
    const steer = { [STEER_KEY]: 'You called this already.', lastResponse: { temp: 3 } };
    const notASteer = { [STEER_KEY]: 7, lastResponse: { temp: 4 } };
    const history = [
      user('go'),
      calls(['weather', { city: 'Oslo' }], ['weather', { city: 'Rome' }]),
      responses(['weather', steer], ['weather', notASteer]),
    ];
    const [steered, plain] = readCalls(fresh(), history, 10);
    expect(steered?.response).toEqual({ temp: 3 });
    expect(plain?.response).toEqual(notASteer);
  });

  it('starts over when a person speaks: what they asked again is not a loop', () => {
    const history = [
      user('weather?'),
      calls(['weather', { city: 'Oslo' }]),
      responses(['weather', { temp: 1 }]),
      { role: 'model', parts: [{ text: 'It is 1 degree.' }] },
      user('and now?'),
      calls(['weather', { city: 'Oslo' }]),
      responses(['weather', { temp: 2 }]),
    ] satisfies Content[];
    expect(readCalls(fresh(), history, 10).map((record) => record.response)).toEqual([{ temp: 2 }]);
  });

  it('keeps only the last `window` calls', () => {
    const history: Content[] = [user('go')];
    for (let index = 0; index < 6; index++) {
      history.push(calls(['step', { index }]), responses(['step', { done: index }]));
    }
    const records = readCalls(fresh(), history, 3);
    expect(records.map((record) => record.response)).toEqual([
      { done: 3 },
      { done: 4 },
      { done: 5 },
    ]);
    expect(readCalls(fresh(), history, 0)).toEqual([]);
  });

  it('reads only what the history gained since the last look, and gives the same records', () => {
    const history: Content[] = [user('go'), calls(['a', { n: 1 }])];
    const state = fresh();
    expect(readCalls(state, history, 10)).toEqual([]);
    expect(state.read).toBe(2);
    // The call's response comes in a later step; the open call was kept between reads.
    history.push(responses(['a', { ok: true }]), calls(['b', {}]), responses(['b', {}]));
    const incremental = readCalls(state, history, 10);
    expect(incremental.map((record) => record.toolName)).toEqual(['a', 'b']);
    expect(summary(incremental)).toEqual(summary(readCalls(fresh(), history, 10)));
  });

  it('reads a history that got shorter (compacted, windowed) again from its start', () => {
    const state = fresh();
    readCalls(
      state,
      [user('go'), calls(['old', {}]), responses(['old', {}]), calls(['x', {}])],
      10,
    );
    const records = readCalls(
      state,
      [user('summary'), calls(['new', {}]), responses(['new', {}])],
      10,
    );
    expect(records.map((record) => record.toolName)).toEqual(['new']);
    expect(state.open).toEqual([]);
  });

  it('reads hostile contents without throwing: no parts, parts not an array, no role', () => {
    const history = [
      { role: 'user' } as Content,
      { role: 'model', parts: 'not parts' } as unknown as Content,
      { parts: [{ text: 'roleless' }] } as Content,
      calls(['a', { n: 1 }]),
      { role: 'user', parts: [] } as Content,
      responses(['a', { ok: 1 }]),
    ];
    expect(readCalls(fresh(), history, 10).map((record) => record.response)).toEqual([{ ok: 1 }]);
  });

  it('a __proto__ key in the arguments is part of their identity and touches no prototype', () => {
    const args = JSON.parse('{"__proto__":{"admin":true},"q":"x"}') as Record<string, unknown>;
    const history = [user('go'), calls(['search', args]), responses(['search', {}])];
    const [record] = readCalls(fresh(), history, 10);
    expect(record?.signature).toBe(`search\u0000{"__proto__":{"admin":true},"q":"x"}`);
    expect(record?.signature).not.toBe(callSignature('search', { q: 'x' }));
    expect(({} as Record<string, unknown>)['admin']).toBeUndefined();
  });
});

describe('answerOf', () => {
  it('writes the response as canonical JSON once, and keeps it', () => {
    const history = [
      user('go'),
      calls(['a', {}]),
      responses(['a', { b: 1, a: [2, { d: 1, c: 0 }] }]),
    ];
    const [record] = readCalls(fresh(), history, 10);
    if (record === undefined) throw new Error('no record');
    expect(record.answer).toBeUndefined();
    expect(answerOf(record)).toBe('{"a":[2,{"c":0,"d":1}],"b":1}');
    (record.response as Record<string, unknown>)['b'] = 2;
    expect(answerOf(record)).toBe('{"a":[2,{"c":0,"d":1}],"b":1}');
  });
});

describe('arguments and responses nested past canonicalJson’s depth bound (attack42b)', () => {
  const nested = (levels: number, leaf: unknown = {}): unknown => {
    let value: unknown = leaf;
    for (let level = 0; level < levels; level++) value = { a: value };
    return value;
  };

  it('compares them still: the same deep value is one signature and one answer, another is not', () => {
    // 50,000 levels overflowed the stack of a recursive walk; 101 is just past the bound.
    for (const levels of [101, 50_000]) {
      expect(callSignature('walk', { tree: nested(levels) })).toBe(
        callSignature('walk', { tree: nested(levels) }),
      );
      expect(callSignature('walk', { tree: nested(levels) })).not.toBe(
        callSignature('walk', { tree: nested(levels, 1) }),
      );
    }
    const history = [
      user('go'),
      calls(['walk', { tree: nested(5_000) }, 'c1'], ['walk', { tree: nested(5_000) }, 'c2']),
      responses(['walk', nested(5_000), 'c1'], ['walk', nested(5_000), 'c2']),
    ];
    const [first, second] = readCalls(fresh(), history, 10);
    if (first === undefined || second === undefined) throw new Error('no records');
    expect(first.signature).toBeDefined();
    expect(first.signature).toBe(second.signature);
    expect(sameAnswer(first, second)).toBe(true);
  });

  it('gives a value that holds itself no signature and no answer: like no other, itself included', () => {
    const loop: Record<string, unknown> = {};
    loop['self'] = loop;
    expect(callSignature('walk', { tree: loop })).toBeUndefined();
    const history = [
      user('go'),
      calls(['walk', { tree: loop }, 'c1']),
      responses(['walk', loop, 'c1']),
    ];
    const [record] = readCalls(fresh(), history, 10);
    if (record === undefined) throw new Error('no record');
    expect(record.signature).toBeUndefined();
    expect(answerOf(record)).toBeNull();
    expect(sameAnswer(record, record)).toBe(false);
  });
});
