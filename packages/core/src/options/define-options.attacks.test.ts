import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import {
  checkOptionsCopy,
  copyOptions,
  dataOption,
  defineOptions,
  describeKey,
  describeValue,
  integerOption,
  optionCheck,
} from './define-options.ts';

// attack60d: an options object is the caller's, and so are its keys and its getters. A misspelt key
// of a megabyte was quoted whole in the message and the `argument` (1,000,535 characters), a key
// with a line break or a bidi override was printed raw; a getter or a Proxy trap that threw came
// out as its own error, naming no option (a revoked Proxy as V8's TypeError); and a value nested
// in plain data (`retrievalConfig.latLng`) was read by the check and again by the request.

type Options = { maxSteps?: number | undefined; place?: { lat: number } | undefined };

const declared = defineOptions<Options>({
  name: 'createWidget',
  path: 'options',
  example: '{ maxSteps }',
  checks: {
    maxSteps: integerOption({ min: 1 }),
    place: dataOption(
      optionCheck(
        (value) => typeof (value as { lat?: unknown }).lat === 'number',
        'options.place must be { lat: number }.',
      ),
    ),
  },
});

function thrown(run: () => unknown): InvalidArgumentError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return error as InvalidArgumentError;
  }
  throw new Error('expected an InvalidArgumentError');
}

describe('an unknown key as the message quotes it', () => {
  it('cuts a megabyte of key, in the message and the argument', () => {
    for (const copy of [false, true]) {
      const key = 'x'.repeat(1_000_000);
      const error = thrown(() =>
        copy ? checkOptionsCopy(declared, { [key]: 1 }) : declared.check({ [key]: 1 }),
      );
      expect(error.message.length).toBeLessThan(400);
      expect(error.argument.length).toBeLessThan(150);
      expect(error.message).toContain("'xxxx");
      expect(error.message).toContain('... (1000000 characters)');
    }
  });

  it('escapes line breaks, bidi overrides and lone surrogates, and still hints', () => {
    const error = thrown(() => declared.check({ 'maxStep\ns\u202e\ud800': 1 }));
    expect(error.message).toContain("has no option 'maxStep\\u000as\\u202e\\ud800'");
    expect(error.message).not.toMatch(/[\n\u202e\ud800]/);
    expect(error.argument).toBe('options.maxStep\\u000as\\u202e\\ud800');
  });

  it('names own prototype keys as unknown options, not as Object.prototype members', () => {
    for (const key of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const options = JSON.parse(`{"${key}": 1}`);
      expect(thrown(() => checkOptionsCopy(declared, options)).argument).toBe(`options.${key}`);
    }
  });

  it('shows an ordinary key as it is', () => {
    expect(describeKey('maxSteps')).toBe('maxSteps');
    expect(describeKey('é🙂')).toBe('\\u00e9\\ud83d\\ude42');
  });
});

describe('options whose read throws', () => {
  const getterThrows = () =>
    Object.defineProperty({}, 'maxSteps', {
      enumerable: true,
      get() {
        throw new Error('secret-ish getter failure');
      },
    });
  const keysThrow = () =>
    new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('no keys');
        },
      },
    );
  const revoked = () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    return proxy;
  };

  it('names the option whose getter threw, with its error as the cause, copied or not', () => {
    for (const check of [
      () => checkOptionsCopy(declared, getterThrows()),
      () => declared.check(getterThrows()),
    ]) {
      const error = thrown(check);
      expect(error.argument).toBe('options.maxSteps');
      expect(error.message).toMatch(/^options\.maxSteps could not be read/);
      expect(error.message).not.toContain('secret-ish');
      expect((error.cause as Error).message).toBe('secret-ish getter failure');
    }
  });

  it('names the object when listing its keys throws', () => {
    for (const check of [
      () => checkOptionsCopy(declared, keysThrow()),
      () => declared.check(keysThrow()),
      () => copyOptions(keysThrow()),
    ]) {
      const error = thrown(check);
      expect(error.message).toMatch(/^options could not be read/);
      expect((error.cause as Error).message).toBe('no keys');
    }
  });

  it('refuses a revoked Proxy as not an options object', () => {
    const error = thrown(() => checkOptionsCopy(declared, revoked()));
    expect(error.argument).toBe('options');
    expect(error.message).toMatch(/got a revoked Proxy/);
    expect(describeValue(revoked())).toBe('a revoked Proxy');
  });

  it('names the place in nested data whose getter threw', () => {
    const place = Object.defineProperty({}, 'lat', {
      enumerable: true,
      get() {
        throw new Error('no lat');
      },
    });
    expect(thrown(() => checkOptionsCopy(declared, { place })).argument).toBe('options.place.lat');
    const list = new Proxy([1, 2], {
      get(target, key) {
        if (key === '1') throw new Error('no item');
        return Reflect.get(target, key);
      },
    });
    const check = dataOption(() => {});
    expect(thrown(() => check.copy?.(list, 'items')).argument).toBe('items[1]');
  });
});

describe('dataOption', () => {
  it('gives the check and the caller one copy, each nested value read once', () => {
    let reads = 0;
    const place = Object.defineProperty({}, 'lat', {
      enumerable: true,
      get: () => (reads++ === 0 ? 48.8 : 'x'),
    });
    const checked = checkOptionsCopy(declared, { place });
    expect(checked.place).toEqual({ lat: 48.8 });
    expect(checked.place?.lat).toBe(48.8);
    expect(reads).toBe(1);
  });

  it('keeps cycles, class instances, functions and typed arrays; defines an own __proto__', () => {
    const check = dataOption(() => {});
    const bytes = new Uint8Array([1]);
    const date = new Date(0);
    const run = () => 1;
    const value: Record<string, unknown> = JSON.parse('{"__proto__": {"a": 1}, "list": [{}]}');
    Object.assign(value, { bytes, date, run });
    value['self'] = value;
    const copy = check.copy?.(value, 'value') as Record<string, unknown>;
    expect(copy).not.toBe(value);
    expect(copy['self']).toBe(copy);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.hasOwn(copy, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(copy, '__proto__')?.value).toEqual({ a: 1 });
    expect(copy['list']).toEqual([{}]);
    expect(copy['list']).not.toBe(value['list']);
    expect([copy['bytes'], copy['date'], copy['run']]).toEqual([bytes, date, run]);
  });

  it('keeps a value past 100 levels, and an array past 100,000 items, as they are', () => {
    const check = dataOption(() => {});
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let level = 0; level < 150; level++) {
      const next = {};
      deep['next'] = next;
      deep = next;
    }
    expect(() => check.copy?.(root, 'deep')).not.toThrow();
    const sparse: unknown[] = [];
    sparse.length = 2 ** 32 - 1;
    const copy = check.copy?.({ sparse }, 'value') as { sparse: unknown } | undefined;
    expect(copy?.sparse).toBe(sparse);
  });
});
