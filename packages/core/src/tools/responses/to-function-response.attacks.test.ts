import { describe, expect, it } from 'vitest';
import { InvalidToolResultError } from '../../errors/invalid-tool-result-error.ts';
import { toFunctionResponse } from './to-function-response.ts';

// Tool results written by someone else's code: reading them may throw.

function failure(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('toFunctionResponse on results that throw when read', () => {
  const revoked = Proxy.revocable({}, {});
  revoked.revoke();
  for (const [name, result, path] of [
    [
      'a toJSON() that throws',
      {
        when: {
          toJSON: () => {
            throw new Error('bad date');
          },
        },
      },
      ['when'],
    ],
    [
      'a getter that throws',
      {
        rows: [
          {
            get total() {
              throw new Error('lazy load failed');
            },
          },
        ],
      },
      ['rows', 0, 'total'],
    ],
    [
      'a proxy whose ownKeys trap throws',
      new Proxy(
        {},
        {
          ownKeys: () => {
            throw new Error('no');
          },
        },
      ),
      [],
    ],
    ['a revoked proxy', { inner: revoked.proxy }, ['inner']],
  ] as const) {
    it(`throws an InvalidToolResultError with the path for ${name}`, () => {
      const error = failure(() => toFunctionResponse({ name: 'tool', result }));
      expect(InvalidToolResultError.isInstance(error)).toBe(true);
      expect((error as InvalidToolResultError).path).toEqual(path);
      expect((error as Error).message).toMatch(/reading it threw/);
    });
  }
});
