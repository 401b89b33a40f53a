import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import {
  arrayOption,
  booleanOption,
  checkOptionsCopy,
  copiedOption,
  defineOptions,
  describeValue,
  functionOption,
  integerOption,
  nestedOption,
  nestedOrOption,
  objectOption,
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

describe('checkOptionsCopy with nested groups (nestedOption, nestedOrOption)', () => {
  type Budget = { maxSteps?: number | undefined; maxTokens?: number | undefined };
  type Summarize = { model?: string | undefined };
  type RunLike = {
    budget?: Budget | undefined;
    summarize?: boolean | Summarize | undefined;
    label?: string | undefined;
  };
  const budget = defineOptions<Budget>({
    name: 'budget',
    example: '{ maxSteps: 40 }',
    checks: { maxSteps: integerOption({ min: 1 }), maxTokens: integerOption({ min: 1 }) },
  });
  const summarize = defineOptions<Summarize>({
    name: 'summarize',
    example: "{ model: 'gemini-2.5-flash-lite' }",
    checks: { model: optionCheck((value) => typeof value === 'string', 'model: a string.') },
  });
  const run = defineOptions<RunLike>({
    name: 'run',
    path: 'options',
    example: '{ budget }',
    checks: {
      budget: nestedOption(budget),
      summarize: nestedOrOption(
        summarize,
        booleanOption((path) => `${path} must be true, false or an object.`),
      ),
      label: optionCheck((value) => typeof value === 'string', 'options.label: a string.'),
    },
  });

  /** A Proxy that answers each property with `first` on its first read and `later` after. */
  function changing(first: Record<string, unknown>, later: Record<string, unknown>) {
    const reads: Record<string, number> = {};
    const proxy = new Proxy(first, {
      get(target, key: string) {
        reads[key] = (reads[key] ?? 0) + 1;
        return reads[key] === 1 ? target[key] : later[key];
      },
    });
    return { proxy, reads };
  }

  it('copies a Proxy nested group once, in the same pass, and checks the copy', () => {
    const nested = changing({ maxSteps: 2 }, { maxSteps: Number.NaN });
    const outer = changing({ budget: nested.proxy, label: 'a' }, { budget: {}, label: 5 });
    const checked = checkOptionsCopy(run, outer.proxy);
    expect(checked).toEqual({ budget: { maxSteps: 2 }, label: 'a' });
    // The copies are plain objects: what was checked is what is read, however often.
    expect(checked.budget?.maxSteps).toBe(2);
    expect(checked.budget?.maxSteps).toBe(2);
    expect(outer.reads).toEqual({ budget: 1, label: 1 });
    expect(nested.reads).toEqual({ maxSteps: 1 });
    // Compared by identity only: vitest's matchers would read the Proxy's properties.
    expect(checked.budget === nested.proxy).toBe(false);
  });

  it('copies an object given to a nested option that may also be true or false, and keeps a boolean', () => {
    const given = { summarize: { model: 'm' } };
    const checked = checkOptionsCopy(run, given);
    expect(checked.summarize).toEqual({ model: 'm' });
    expect(checked.summarize).not.toBe(given.summarize);
    expect(checkOptionsCopy(run, { summarize: true }).summarize).toBe(true);
  });

  it('leaves the given object and its groups as they were (check does not copy)', () => {
    const given = { budget: { maxSteps: 3 } };
    expect(run.check(given)).toBe(given);
    const copy = checkOptionsCopy(run, given);
    expect(copy).not.toBe(given);
    expect(copy.budget).not.toBe(given.budget);
    expect(given).toEqual({ budget: { maxSteps: 3 } });
  });

  it('names an unknown nested key by its full path, with the hint', () => {
    for (const checkOnce of [run.check, (value: unknown) => checkOptionsCopy(run, value)]) {
      const error = thrown(() => checkOnce({ budget: { maxStep: 3 } }));
      expect(error.argument).toBe('options.budget.maxStep');
      expect(error.message).toBe(
        "budget has no option 'maxStep'. Did you mean 'maxSteps'? The options are maxSteps, maxTokens.",
      );
    }
  });

  it('names a wrong nested value by its full path', () => {
    const error = thrown(() => checkOptionsCopy(run, { budget: { maxTokens: 0 } }));
    expect(error.argument).toBe('options.budget.maxTokens');
    expect(error.message).toBe('options.budget.maxTokens must be an integer of at least 1; got 0.');
  });

  it('refuses a nested group that is not an object, saying what it got', () => {
    for (const value of [5, 'steps', null, true]) {
      const error = thrown(() => checkOptionsCopy(run, { budget: value }));
      expect(error.argument).toBe('options.budget');
      expect(error.message).toBe(
        `budget takes one options object such as { maxSteps: 40 }; got ${describeValue(value)}.`,
      );
    }
    expect(thrown(() => checkOptionsCopy(run, { summarize: 'yes' })).message).toBe(
      'options.summarize must be true, false or an object.',
    );
  });

  it('refuses an array where a nested object is expected, copying or not', () => {
    for (const checkOnce of [run.check, (value: unknown) => checkOptionsCopy(run, value)]) {
      expect(thrown(() => checkOnce({ budget: [{ maxSteps: 2 }] })).message).toBe(
        'budget takes one options object such as { maxSteps: 40 }; got an array.',
      );
      expect(thrown(() => checkOnce({ summarize: [] })).message).toBe(
        'options.summarize must be true, false or an object.',
      );
    }
  });

  it('copies groups nested two deep, each once, with the whole path in messages', () => {
    const outer = defineOptions<{ run?: RunLike | undefined }>({
      name: 'createThing',
      example: '{ run }',
      checks: { run: nestedOption(run) },
    });
    const inner = changing({ maxSteps: 4 }, { maxSteps: -1 });
    const checked = checkOptionsCopy(outer, { run: { budget: inner.proxy } });
    expect(checked).toEqual({ run: { budget: { maxSteps: 4 } } });
    expect(inner.reads).toEqual({ maxSteps: 1 });
    expect(
      thrown(() => checkOptionsCopy(outer, { run: { budget: { maxSteps: 0 } } })).argument,
    ).toBe('run.budget.maxSteps');
  });

  it('keeps a nested key named __proto__ a key of the copy, never its prototype', () => {
    const given = JSON.parse('{ "budget": { "__proto__": { "maxSteps": 1 } } }');
    const error = thrown(() => checkOptionsCopy(run, given));
    expect(error.argument).toBe('options.budget.__proto__');
  });
});

describe('copiedOption', () => {
  type Spawn = { args?: readonly string[] | undefined; env?: Record<string, string> | undefined };
  const spawn = defineOptions<Spawn>({
    name: 'spawn',
    example: "{ args: ['-y'] }",
    checks: {
      args: copiedOption(
        arrayOption({ item: (arg) => typeof arg === 'string', message: 'args: strings.' }),
      ),
      env: copiedOption(objectOption((path) => `${path} must be an object.`)),
    },
  });

  it('copies a list and a map with the options, each item read once, and checks the copies', () => {
    let reads = 0;
    const args = ['-y'];
    Object.defineProperty(args, 1, {
      enumerable: true,
      get: () => (++reads === 1 ? 'server' : 5),
    });
    const env = { HOME: '/home/a' };
    const checked = checkOptionsCopy(spawn, { args, env });
    expect(reads).toBe(1);
    expect(checked.args).toEqual(['-y', 'server']);
    // By identity only: vitest's matchers would read the getter.
    expect(checked.args === args).toBe(false);
    expect(checked.env).toEqual(env);
    expect(checked.env).not.toBe(env);
  });

  it('is copied when required too, whichever wraps the other', () => {
    const list = defineOptions<{ args?: readonly string[] | undefined }>({
      name: 'list',
      example: "{ args: ['-y'] }",
      checks: { args: required(copiedOption(arrayOption({ message: 'args: a list.' }))) },
    });
    const args = ['-y'];
    expect(checkOptionsCopy(list, { args }).args === args).toBe(false);
    expect(thrown(() => checkOptionsCopy(list, {})).message).toBe('args: a list.');
  });

  it('checks what it copied, and leaves the value as given when not copying', () => {
    expect(thrown(() => checkOptionsCopy(spawn, { args: ['-y', 1] })).message).toBe(
      'args: strings.',
    );
    expect(thrown(() => checkOptionsCopy(spawn, { env: 'HOME=/' })).argument).toBe('env');
    const args = ['-y'];
    expect(spawn.check({ args }).args).toBe(args);
  });
});
