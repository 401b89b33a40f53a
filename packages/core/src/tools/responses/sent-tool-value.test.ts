import { describe, expect, it } from 'vitest';
import { answerWithResult } from '../../agent/tool-calls/tool-response.ts';
import { InvalidToolResultError } from '../../errors/invalid-tool-result-error.ts';
import { recordedInstance, sentToolValue, unsentToolValue } from './sent-tool-value.ts';

/** What the tool path answers a value with: its response, or its error's path and message. */
function sent(result: unknown): unknown {
  const answer = answerWithResult({ name: 'lookup' }, result, true);
  if (!('invalid' in answer)) return answer.response.response;
  expect(InvalidToolResultError.isInstance(answer.invalid)).toBe(true);
  return { path: answer.invalid.path, message: answer.invalid.message };
}

class Point {
  x = 1;
}

describe('sentToolValue', () => {
  it.each([
    ['a Map', () => ({ byId: new Map([['a', 1]]) })],
    ['a Set', () => new Set([1])],
    ['binary data', () => ({ bytes: new Uint8Array([1]) })],
    ['a function', () => () => 1],
    [
      'a cycle',
      () => {
        const node: Record<string, unknown> = {};
        node['self'] = node;
        return node;
      },
    ],
  ])(
    '%s: the value made of its reason, read back as JSON, is answered with the same error',
    (_name, make) => {
      const made = sentToolValue(make());
      expect(made).toHaveProperty('unsent');
      if (!('unsent' in made)) return;
      const stored = JSON.parse(JSON.stringify(made.unsent));
      expect(sent(unsentToolValue(stored))).toEqual(sent(make()));
    },
  );

  it('a class instance: its JSON made again as an instance is sent wrapped, as the instance is', () => {
    const made = sentToolValue(new Point());
    expect(made).toEqual({ json: { x: 1 }, instance: true });
    if (!('json' in made)) return;
    const again = recordedInstance(JSON.parse(JSON.stringify(made.json)));
    expect(sent(again)).toEqual(sent(new Point()));
    expect(sent(again)).toEqual({ output: { x: 1 } });
  });

  it('NaN, a BigInt, a Date and plain data: the JSON sent, read back the same', () => {
    const value = { n: Number.NaN, big: 10n, at: new Date(0), list: [1, undefined] };
    const made = sentToolValue(value);
    expect(made).toEqual({
      json: { n: 'NaN', big: '10', at: '1970-01-01T00:00:00.000Z', list: [1, null] },
      instance: false,
    });
    if (!('json' in made)) return;
    expect(sent(JSON.parse(JSON.stringify(made.json)))).toEqual(sent(value));
  });

  it('a value whose traps throw: the same words as the tool path', () => {
    const proxy = new Proxy(
      {},
      {
        get: () => {
          throw new Error('trap broke');
        },
      },
    );
    const made = sentToolValue(proxy);
    expect(made).toEqual({ unsent: { unreadable: 'trap broke' } });
    if (!('unsent' in made)) return;
    expect(sent(unsentToolValue(made.unsent))).toEqual(sent(proxy));
    expect(sent(proxy)).toMatchObject({
      message: expect.stringContaining('reading it threw (trap broke)'),
    });
  });
});
