import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import {
  booleanOption,
  checkOptionsCopy,
  defineOptions,
  describeValue,
  functionOption,
  integerOption,
  optionCheck,
  required,
} from './define-options.ts';

type WidgetOptions = {
  name: string;
  maxSteps?: number | undefined;
  loud?: boolean | undefined;
  onStepEnd?: (() => void) | undefined;
};

const widget = defineOptions<WidgetOptions>({
  name: 'createWidget',
  example: '{ name }',
  checks: {
    name: required(
      optionCheck((value) => typeof value === 'string', 'createWidget needs a name: { name }.'),
    ),
    maxSteps: integerOption({ min: 1 }),
    loud: booleanOption(),
    onStepEnd: functionOption(),
  },
  removed: { quiet: 'quiet was removed: pass loud: false.' },
});

function thrown(run: () => unknown): InvalidArgumentError {
  try {
    run();
  } catch (error) {
    if (InvalidArgumentError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected an InvalidArgumentError');
}

describe('defineOptions', () => {
  it('lists the keys in declaration order', () => {
    expect(widget.keys).toEqual(['name', 'maxSteps', 'loud', 'onStepEnd']);
  });

  it('returns the object it checked, unchanged', () => {
    const options = { name: 'w', maxSteps: 3 };
    expect(widget.check(options)).toBe(options);
  });

  it('refuses an unknown key, with the closest known one and the list', () => {
    const error = thrown(() => widget.check({ name: 'w', max_steps: 3 }));
    expect(error.argument).toBe('max_steps');
    expect(error.message).toBe(
      "createWidget has no option 'max_steps'. Did you mean 'maxSteps'? The options are name, maxSteps, loud, onStepEnd.",
    );
  });

  it('gives no hint when no option is close', () => {
    const error = thrown(() => widget.check({ name: 'w', zzzzzzzz: 1 }));
    expect(error.message).toBe(
      "createWidget has no option 'zzzzzzzz'. The options are name, maxSteps, loud, onStepEnd.",
    );
  });

  it('names a removed option with what replaces it', () => {
    const error = thrown(() => widget.check({ name: 'w', quiet: true }));
    expect(error.argument).toBe('quiet');
    expect(error.message).toBe('quiet was removed: pass loud: false.');
  });

  it('names an unknown key that Object.prototype has, not the prototype member (run options from JSON)', () => {
    // `removed` is a plain object: indexing it with 'constructor' or '__proto__' (an own key of
    // JSON.parse's output) found Object.prototype's members, and their text became the message.
    for (const key of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const error = thrown(() => widget.check(JSON.parse(`{"name":"w","${key}":1}`)));
      expect(error.argument).toBe(key);
      expect(error.message).toBe(
        `createWidget has no option '${key}'. The options are name, maxSteps, loud, onStepEnd.`,
      );
    }
  });

  it('reports an unknown key before a wrong value, whatever the order', () => {
    expect(thrown(() => widget.check({ loud: 'yes', lodu: true, name: 'w' })).argument).toBe(
      'lodu',
    );
  });

  it('reports wrong values in declaration order', () => {
    expect(thrown(() => widget.check({ onStepEnd: 1, maxSteps: 0, name: 'w' })).argument).toBe(
      'maxSteps',
    );
  });

  it('runs a required check when the option is left out, and skips others set to undefined', () => {
    const error = thrown(() => widget.check({}));
    expect(error.argument).toBe('name');
    expect(error.message).toBe('createWidget needs a name: { name }.');
    expect(() => widget.check({ name: 'w', maxSteps: undefined, loud: undefined })).not.toThrow();
  });

  it('ignores inherited keys, as Object.keys does', () => {
    const options = Object.assign(Object.create({ inherited: 1 }), { name: 'w' });
    expect(() => widget.check(options)).not.toThrow();
  });

  it('refuses a value that is not an object, saying what it got', () => {
    for (const [value, got] of [
      [null, 'null'],
      [[], 'an array'],
      ['w', '"w"'],
      [5, '5'],
    ] as const) {
      const error = thrown(() => widget.check(value));
      expect(error.argument).toBe('options');
      expect(error.message).toBe(
        `createWidget takes one options object such as { name }; got ${got}.`,
      );
    }
  });

  it('puts the path before the names of nested or per-call options', () => {
    const error = thrown(() => widget.check({ name: 'w', loud: 1 }, 'widget'));
    expect(error.argument).toBe('widget.loud');
    expect(error.message).toBe('widget.loud must be true or false; got 1.');
    const unknown = thrown(() => widget.check({ name: 'w', lod: true }, 'widget'));
    expect(unknown.argument).toBe('widget.lod');
  });

  it('opens the unknown-key message as the spec says', () => {
    const call = defineOptions<{ signal?: AbortSignal | undefined }>({
      name: 'A call',
      unknownKey: 'Unknown call option',
      path: 'options',
      example: '{ signal }',
      checks: { signal: optionCheck(() => true, '') },
    });
    const error = thrown(() => call.check({ sigal: 1 }));
    expect(error.argument).toBe('options.sigal');
    expect(error.message).toBe(
      "Unknown call option 'sigal'. Did you mean 'signal'? The options are signal.",
    );
  });
});

describe('describeValue', () => {
  // The words every option and argument error uses for the value it refused: exact for a
  // number (NaN is not "null", as JSON.stringify would say), short for a string, and never the
  // contents of an object or the source of a function.
  it('names numbers, bigints and booleans exactly, NaN and the infinities included', () => {
    expect(describeValue(Number.NaN)).toBe('NaN');
    expect(describeValue(Number.NEGATIVE_INFINITY)).toBe('-Infinity');
    expect(describeValue(1.5)).toBe('1.5');
    expect(describeValue(10n)).toBe('10');
    expect(describeValue(false)).toBe('false');
  });

  it('quotes a string, cut at 40 characters, and names the empty one', () => {
    expect(describeValue('gemini')).toBe('"gemini"');
    expect(describeValue('')).toBe('an empty string');
    expect(describeValue('k'.repeat(100))).toBe(`"${'k'.repeat(40)}..."`);
  });

  it('says the kind of an object, an array or a function, never what it holds', () => {
    expect(describeValue({ apiKey: 'secret' })).toBe('an object');
    expect(describeValue(Object.create(null))).toBe('an object');
    expect(describeValue(['secret'])).toBe('an array');
    expect(describeValue(() => 'secret')).toBe('a function');
    expect(describeValue(null)).toBe('null');
    expect(describeValue(undefined)).toBe('undefined');
    expect(describeValue(Symbol('s'))).toBe('Symbol(s)');
  });
});

describe('checkOptionsCopy', () => {
  const declared = defineOptions<{ limit?: number | undefined }>({
    name: 'limited',
    example: '{ limit: 5 }',
    checks: { limit: integerOption({ min: 1 }) },
  });

  it('checks and returns a copy read once, so a getter cannot change what was checked', () => {
    let reads = 0;
    const given = {};
    Object.defineProperty(given, 'limit', {
      enumerable: true,
      get: () => (reads++ === 0 ? 5 : Number.NaN),
    });
    const checked = checkOptionsCopy(declared, given);
    expect(checked.limit).toBe(5);
    expect(checked.limit).toBe(5);
    expect(reads).toBe(1);
  });

  it('refuses what check refuses, a non-object and an array as check does', () => {
    expect(() => checkOptionsCopy(declared, { limit: Number.NaN })).toThrow(InvalidArgumentError);
    expect(() => checkOptionsCopy(declared, null)).toThrow(/takes one options object/);
    expect(() => checkOptionsCopy(declared, [5])).toThrow(/takes one options object/);
  });
});
