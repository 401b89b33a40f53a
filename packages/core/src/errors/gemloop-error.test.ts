import { describe, expect, it } from 'vitest';
import { ApiCallError } from './api-call-error.ts';
import { GemloopError } from './gemloop-error.ts';
import { InvalidArgumentError } from './invalid-argument-error.ts';

describe('GemloopError', () => {
  it('is recognised across copies of the package by its marker and code', () => {
    const error = new InvalidArgumentError({ argument: 'x', message: 'bad x' });
    expect(GemloopError.isInstance(error)).toBe(true);
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect(ApiCallError.isInstance(error)).toBe(false);
    // What another copy of gemloop would throw: same marker symbol, different class.
    const foreign = Object.assign(new Error('x'), { code: 'invalid-argument' });
    Object.defineProperty(foreign, Symbol.for('gemloop.error'), { value: true });
    expect(InvalidArgumentError.isInstance(foreign)).toBe(true);
    expect(GemloopError.isInstance(new Error('plain'))).toBe(false);
    expect(GemloopError.isInstance(null)).toBe(false);
  });

  it('serialises its fields and cause without throwing, whatever the cause is', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic['self'] = cyclic;
    const causes: unknown[] = [
      Object.create(null),
      cyclic,
      { reason: 'x' },
      42,
      new TypeError('t'),
    ];
    const described = causes.map(
      (cause) => new InvalidArgumentError({ argument: 'a', message: 'm', cause }).toJSON()['cause'],
    );
    expect(described).toEqual([
      {},
      '[object Object]',
      { reason: 'x' },
      '42',
      { name: 'TypeError', message: 't' },
    ]);
    const json = JSON.parse(
      JSON.stringify(new InvalidArgumentError({ argument: 'tools[0]', message: 'm' })),
    );
    expect(json).toEqual({
      name: 'InvalidArgumentError',
      code: 'invalid-argument',
      message: 'm',
      argument: 'tools[0]',
    });
  });

  it('serialises a cause chain that loops, cut after a few causes, instead of overflowing the stack', () => {
    const first = new InvalidArgumentError({ argument: 'a', message: 'first' });
    const second = new InvalidArgumentError({ argument: 'b', message: 'second', cause: first });
    // A cause set after the fact (as code that wraps errors in a retry loop may do) closes the loop.
    Object.defineProperty(first, 'cause', { value: second, configurable: true });
    const json = JSON.parse(JSON.stringify(first));
    let depth = 0;
    for (let at = json; at !== undefined; at = at.cause) {
      expect(at.message).toBe(depth % 2 === 0 ? 'first' : 'second');
      depth++;
    }
    expect(depth).toBeGreaterThan(2);
    expect(depth).toBeLessThan(12);
  });

  it('names itself from its code, so a minifier that renames the class leaves the name', () => {
    // What a minified bundle makes of `class AgentAbortedError extends ...`: a class named `e`.
    const e = class extends GemloopError {
      override readonly code = 'invalid-argument';
    };
    const error = new e({ message: 'bad x' });
    expect(e.name).toBe('e');
    expect(error.name).toBe('InvalidArgumentError');
    expect(String(error)).toBe('InvalidArgumentError: bad x');
    expect(error.stack?.split('\n')[0]).toBe('InvalidArgumentError: bad x');
    expect(error.toJSON()).toMatchObject({
      name: 'InvalidArgumentError',
      code: 'invalid-argument',
    });
    expect(new GemloopError({ message: 'm' }).name).toBe('GemloopError');
    const real = new InvalidArgumentError({ argument: 'x', message: 'bad x' });
    expect(real.name).toBe('InvalidArgumentError');
    // A getter of the class, not an own field: `Object.keys` lists the error's data alone.
    expect(Object.keys(real)).not.toContain('name');
    // A class of the user's keeps its own name, whatever its code says.
    class PolicyFailure extends GemloopError {
      override readonly code = 'brand-new';
    }
    expect(new PolicyFailure({ message: 'm' }).name).toBe('PolicyFailure');
  });
});

describe('an error copied property by property (as scrubSecrets copies one)', () => {
  it('reads its name without throwing while its code is not set yet, and by its code after', () => {
    const error = new ApiCallError({
      message: 'failed',
      url: 'https://x.test',
      method: 'm',
      isRetryable: false,
    });
    const copy = new Error();
    Object.setPrototypeOf(copy, Object.getPrototypeOf(error));
    // V8 formats a lazy `stack` on its first definition, reading `name` before `code` is copied.
    for (const key of Reflect.ownKeys(error)) {
      const descriptor = Object.getOwnPropertyDescriptor(error, key);
      if (descriptor === undefined) continue;
      Object.defineProperty(copy, key, { ...descriptor, configurable: true });
    }
    expect((copy as ApiCallError).name).toBe('ApiCallError');
    expect(copy).toBeInstanceOf(ApiCallError);
  });
});
