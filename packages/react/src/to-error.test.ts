import { describe, expect, it } from 'vitest';
import { toError } from './to-error.ts';

// What useAgentChat reports through onError and `error` when a `body` function, a custom fetch or
// an approval answer throws something that is not an Error.

describe('toError', () => {
  it('keeps an Error, and wraps anything else with its text', () => {
    const error = new TypeError('bad');
    expect(toError(error)).toBe(error);
    expect(toError('boom')).toMatchObject({ message: 'boom', cause: 'boom' });
    expect(toError(5).message).toBe('5');
  });

  it('never throws itself: an object without a prototype, a throwing toString, a revoked proxy', () => {
    const bare = Object.create(null) as object;
    expect(toError(bare).message).toBe('[object Object]');
    expect(toError(bare).cause).toBe(bare);
    const hostile = {
      toString() {
        throw new Error('no');
      },
    };
    expect(toError(hostile).message).toBe('[object Object]');
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(toError(proxy)).toBeInstanceOf(Error);
  });
});
