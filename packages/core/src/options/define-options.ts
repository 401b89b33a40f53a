import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { editDistance } from '../shared/edit-distance.ts';

/*
 * Why hand-written checks and not a zod schema per options object.
 *
 * The public option types (`AgentOptions`, `CreateGeminiOptions`, ...) are interfaces whose TSDoc a
 * user reads on hover; a type inferred from a zod schema loses that TSDoc and turns every hover
 * into `z.infer<...>`. So the types stay as written and each declaration is bound to its type at
 * compile time ({@link OptionsDeclaration}): an option added to the type without a check, or a
 * check for an option the type lacks, does not compile.
 *
 * And the run options and call options are checked on every run and every request. Measured on
 * this project's 2-core machine (node 20, 1e6 checks per round, 5 rounds interleaved in one
 * process, 4 runs on a busy machine): checking `{ signal, history }` as run options took about as
 * long as the hand-written check it replaced (0.9-1.2x, 19-78 ns) and a `z.strictObject` from
 * zod/v4 2.4-3x that; `{ signal, timeoutMs }` as call options took 67-187 ns here, 3x the
 * hand-written check, and zod/v4 about 2x this. Against the 350 µs of CPU a step of `agent.run`
 * costs (bench, overhead scenario) either is noise, but zod's messages would also need rewriting
 * to name the fix, and zod would become a hard dependency of the client (it is a peer today).
 */

/**
 * The check of one option: throws an {@link InvalidArgumentError} (see {@link invalidOption})
 * naming `path` when `value` is wrong. It is called only for a value that is not `undefined`
 * (an option set to `undefined` is left out), unless the check is marked {@link required}.
 */
export type OptionCheck = ((value: unknown, path: string) => void) & {
  /** Set by {@link required}: the check also runs when the option is left out. */
  readonly required?: true | undefined;
  /**
   * Set by {@link nestedOption} and {@link nestedOrOption} (or a check of a map of groups, such as
   * `toolOutput.perTool`): checks the value as the check does and returns a copy of it with each
   * property read once, which {@link checkOptionsCopy} puts in the outer copy in its place.
   */
  readonly copy?: ((value: unknown, path: string) => unknown) | undefined;
};

/** Every key of `Options`, of every member when it is a union (`{ apiKey } | { vertex }`). */
export type OptionKeys<Options> = Options extends unknown ? keyof Options & string : never;

/**
 * One check per option of `Options`, no more, no fewer: a declaration written against it stops
 * compiling when the type gains an option the declaration does not check, or loses one it does.
 */
export type OptionsDeclaration<Options> = {
  readonly [Key in OptionKeys<Options>]-?: OptionCheck;
};

/** How {@link defineOptions} is told about one options object. */
export type DefineOptionsSpec<Options> = {
  /**
   * How messages name whose options these are: `createAgent`, `createGemini()`. The unknown-key
   * message reads `<name> has no option 'x'. Did you mean 'y'? The options are ...`.
   */
  name: string;
  /**
   * The opening of the unknown-key message, before the quoted key, when `<name> has no option`
   * does not fit (`Unknown call option`).
   */
  unknownKey?: string | undefined;
  /**
   * What `InvalidArgumentError.argument` puts before an option's name: `options` gives
   * `options.signal`. None by default (the argument is the option's name).
   */
  path?: string | undefined;
  /** A short example of the object, for the message when the value is not an object. */
  example: string;
  /** The check of each option. */
  checks: OptionsDeclaration<Options>;
  /**
   * Options that were removed, each with the message that says what replaces it: refused with
   * that message instead of the unknown-key one.
   */
  removed?: Readonly<Record<string, string>> | undefined;
};

/** What {@link defineOptions} returns: the known keys and the strict check. */
export type DeclaredOptions<Options> = {
  /** The names of the options, in declaration order. */
  readonly keys: readonly string[];
  /** The check of each option, to compose declarations (`{ ...call.checks, pageSize }`). */
  readonly checks: OptionsDeclaration<Options>;
  /**
   * Checks `value` strictly: an object (not an array) whose every key is declared and whose every
   * value passes its check. Returns it typed.
   * @param path Overrides the spec's `path`, for options nested in others (`callOptions`).
   * @throws {@link InvalidArgumentError} naming the first option at fault and the fix.
   */
  check(value: unknown, path?: string): Options;
  /**
   * Checks a copy of `value` as {@link DeclaredOptions.check} checks `value`, and returns the copy:
   * each own property read once (`{ ...value }`), and each option declared with
   * {@link nestedOption} copied the same way, at any depth. See {@link checkOptionsCopy}.
   */
  checkCopy(value: unknown, path?: string): Options;
};

/**
 * Declares an options object once: from one check per option come the set of known keys, the
 * strict check (unknown keys refused with a "Did you mean 'x'?" hint from `closestNames`)
 * and, through the type argument, the compile-time tie to the option type. Give the type argument
 * explicitly: it is what makes a missing or extra check a compile error (the check kinds are
 * below: `stringOption`, `integerOption`, ...).
 *
 * @example
 * ```ts
 * const runOptions = defineOptions<RunOptions>({
 *   name: 'run',
 *   path: 'options',
 *   example: '{ signal, history }',
 *   checks: {
 *     signal: optionCheck(isAbortSignal, 'options.signal must be an AbortSignal.'),
 *     history: arrayOption({ message: 'options.history must be an array of turns.' }),
 *   },
 * });
 * runOptions.check({ sigal: signal });
 * // InvalidArgumentError: run has no option 'sigal'. Did you mean 'signal'? The options are signal, history.
 * ```
 */
export function defineOptions<Options>(spec: DefineOptionsSpec<Options>): DeclaredOptions<Options> {
  const checks = spec.checks as unknown as Readonly<Record<string, OptionCheck>>;
  const keys = Object.keys(checks);
  const known = new Set(keys);
  const opening = spec.unknownKey ?? `${spec.name} has no option`;
  // What runs per check, worked out once: the checks that do something, and each one's path
  // under the spec's prefix, so checking the run options of every run builds no strings.
  const active = keys.filter((key) => checks[key] !== checkedWhereUsed);
  const activeChecks = active.map((key) => checks[key] as OptionCheck);
  const activeRequired = activeChecks.map((check) => check.required === true);
  const pathsUnder = (prefix: string | undefined): string[] =>
    active.map((key) => (prefix === undefined ? key : `${prefix}.${key}`));
  const defaultPaths = pathsUnder(spec.path);
  // One pass for both: `copy` reads each own property once into a new object (and each nested
  // group into its own), which is then checked and returned in place of `value`. Bound below, not
  // wrapped, and the object test written out: a run's options are checked on every run, and each
  // wrapper was one more function entered (bench/RESULTS.md, options-nested).
  const checkObject = (copy: boolean, value: unknown, path = spec.path): Options => {
    if (!isOptionsObject(value)) {
      throw invalidOption(
        path ?? 'options',
        `${spec.name} takes one options object such as ${spec.example}; got ${describeValue(value)}.`,
      );
    }
    const record = (copy ? readOwnOptions(value, path) : value) as Record<string, unknown>;
    // Unknown keys first, so a misspelt option is named even when a known one is also wrong.
    let unknown: string | undefined;
    try {
      for (const key in record) {
        // Own keys only, as Object.keys would give, without allocating its array on every run.
        if (known.has(key) || !Object.hasOwn(record, key)) continue;
        unknown = key;
        break;
      }
    } catch (error) {
      // Only without the copy (the copy is a plain object): a Proxy whose key list throws.
      throw unreadableOptions(record, path ?? 'options', error);
    }
    if (unknown !== undefined) {
      const key = unknown;
      // The key as written, bounded and escaped: it is the caller's, and may be a megabyte of
      // text, a line break or a bidi override that turns the rest of a log line around.
      const shown = describeKey(key);
      const keyPath = path === undefined ? shown : `${path}.${shown}`;
      // Own keys of `removed` only: an options object from JSON.parse may have an own
      // 'constructor' or '__proto__', and indexing found Object.prototype's members.
      const removed =
        spec.removed !== undefined && Object.hasOwn(spec.removed, key)
          ? spec.removed[key]
          : undefined;
      if (removed !== undefined) throw invalidOption(keyPath, removed);
      const [hint] = closestNames({ input: key, candidates: keys, limit: 1 });
      throw invalidOption(
        keyPath,
        `${opening} '${shown}'.${hint === undefined ? '' : ` Did you mean '${hint}'?`} The options are ${keys.join(', ')}.`,
      );
    }
    // Then the values, in declaration order (the order of the type), so the first option at
    // fault is reported the same way whatever order the caller wrote them in.
    const paths = path === spec.path ? defaultPaths : pathsUnder(path);
    for (let index = 0; index < activeChecks.length; index++) {
      const key = active[index] as string;
      let option: unknown;
      try {
        option = record[key];
      } catch (error) {
        // Only without the copy: a getter (or a Proxy's get) that throws, named as its option.
        throw unreadableOption(paths[index] as string, error);
      }
      if (option !== undefined || activeRequired[index] === true) {
        const check = activeChecks[index] as OptionCheck;
        if (copy && check.copy) {
          record[key] = check.copy(option, paths[index] as string);
        } else check(option, paths[index] as string);
      }
    }
    return record as Options;
  };
  return {
    keys,
    checks: spec.checks,
    check: checkObject.bind(undefined, false),
    checkCopy: checkObject.bind(undefined, true),
  };
}

/**
 * Checks a copy of `value` (each own property read once, as `{ ...value }` does) and returns the
 * copy, for options that hold a bound and are read after the check: a getter or a Proxy that gives
 * the check one value and the use another (`maxReadBytes` 10, then NaN) cannot pass a value the
 * check refuses (attack15). The options declared with {@link nestedOption} (a run's `budget`) are
 * copied and checked in the same pass, each into its own copy, so no caller copies a nested group
 * by hand. A getter that throws is an {@link InvalidArgumentError} naming its option, its own error
 * the `cause`. Once per call or run, never per step: each
 * copy is an allocation.
 * @throws {@link InvalidArgumentError} as `declared.check` does.
 */
export function checkOptionsCopy<Options>(
  declared: DeclaredOptions<Options>,
  value: unknown,
  path?: string,
): Options {
  return declared.checkCopy(value, path);
}

/**
 * An options object: an object that is not `null` or an array (what {@link copyOptions} copies and
 * a declaration checks). A revoked Proxy is none (asking whether it is an array throws). @internal
 */
export const isOptionsObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && isNoArray(value);

function isNoArray(value: object): boolean {
  try {
    return !Array.isArray(value);
  } catch {
    // A revoked Proxy: `Array.isArray` throws its TypeError, which named no option.
    return false;
  }
}

/**
 * A copy of an options object with each own property read once (`{ ...value }`); anything that
 * is not one (an array, `null`, a number: the check names it) as it is. For options checked by
 * hand; a declared group is copied by {@link checkOptionsCopy}. `path` names the object in the
 * error (none: its keys are named alone, as `createAgent`'s are).
 * @throws {@link InvalidArgumentError} naming the option whose read threw (a getter, a Proxy).
 */
export function copyOptions<Value>(value: Value, path?: string): Value {
  return isOptionsObject(value) ? (readOwnOptions(value, path) as Value) : value;
}

/**
 * `{ ...value }`, where a read that throws (a getter, a Proxy's trap) is the typed error that names
 * the option (its own error as the `cause`) instead of an error that names none.
 */
function readOwnOptions(value: object, path: string | undefined): Record<string, unknown> {
  try {
    return { ...value };
  } catch (error) {
    throw unreadableOptions(value, path, error);
  }
}

/**
 * The error of an options object that threw while read: naming the option whose read threw when
 * it can be found (read again, one key at a time: a failure path only), else the object.
 */
function unreadableOptions(
  value: object,
  path: string | undefined,
  cause: unknown,
): InvalidArgumentError {
  try {
    for (const key of Object.keys(value)) {
      try {
        (value as Record<string, unknown>)[key];
      } catch {
        const shown = describeKey(key);
        return unreadableOption(path === undefined ? shown : `${path}.${shown}`, cause);
      }
    }
  } catch {
    // Its keys cannot be listed (a Proxy's ownKeys trap throws, or it was revoked).
  }
  return unreadableOption(path ?? 'options', cause);
}

/** The error of an option whose read threw (a getter, a Proxy's trap): its own error the cause. */
function unreadableOption(path: string, cause: unknown): InvalidArgumentError {
  return new InvalidArgumentError({
    argument: path,
    message: `${path} could not be read: a getter or a Proxy threw (the error it threw is the cause). Pass plain values.`,
    cause,
  });
}

/**
 * An option's name as a message quotes it: the caller's key, so cut at 64 characters (it may be a
 * megabyte: the message, the `argument` and every log line that prints them held it whole), and
 * every character but printable ASCII written as `\uXXXX`: a line break, a bidi override that
 * turns the rest of a log line around, a lone surrogate. Option names are ASCII: `maxSteps` is
 * shown as it is. @internal
 */
export function describeKey(key: string): string {
  const cut = key.length > 64 ? `${key.slice(0, 64)}... (${key.length} characters)` : key;
  return cut.replace(
    /[^\x20-\x7e]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * No check here: the option is checked where it is used, because its rule depends on other
 * options or on the client (`transport` with `fetch`, `apiVersion` with `baseUrl`), or because
 * checking it is part of resolving it (`retry` merged field by field over the client's). Say which
 * in a comment beside it. {@link defineOptions} does not call it.
 */
export const checkedWhereUsed: OptionCheck = () => {};

/** The {@link InvalidArgumentError} of an option check: `path` is the option, `message` the fix. */
export function invalidOption(path: string, message: string): InvalidArgumentError {
  return new InvalidArgumentError({ argument: path, message });
}

/**
 * A wrong value as messages show it, short: a primitive as written (a string quoted and cut at 40
 * characters; `the string "5000"` when it reads as a number, a boolean or null, so the user sees
 * it is a string), anything else by its kind (`an object`, `an array`, `a function`). Checks of
 * options that hold secrets (`apiKey`) do not use it.
 */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') {
    let array: boolean;
    try {
      array = Array.isArray(value);
    } catch {
      return 'a revoked Proxy';
    }
    if (array) return 'an array';
  }
  if (typeof value === 'string') {
    if (value === '') return 'an empty string';
    const quoted = JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
    // `'5000'` (an environment variable, a form field) for a number: `got "5000"` still reads as
    // if 5000 were refused, so a string that reads as another kind of value says it is a string.
    const bare = value.trim();
    return bare && (!Number.isNaN(+bare) || /^(true|false|null|NaN)$/.test(bare))
      ? `the string ${quoted}`
      : quoted;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  return typeof value === 'function'
    ? 'a function'
    : typeof value === 'object'
      ? 'an object'
      : String(value);
}

// The checks options are declared with (the kinds of values, bounds, lists, one-ofs) and the
// "did you mean" of an unknown key: one concept with defineOptions, in one module, as every
// declared option group imports them together (bench/RESULTS.md, "Cold import, counted", helper
// cold-import2: each module and each import statement costs Node's loader at import).

/**
 * A field's name in either proto3 JSON spelling (Gemini's parser reads the lowerCamelCase name and
 * the proto field name): `max_output_tokens` and `maxOutputTokens` alike. Here, in a module every
 * agent loads, because the run's merge (`start-run.ts`) needs it: imported from
 * `generation-config.ts` it brought that module's refusal checks into the loaded bundle (+146 B
 * gzip), and a module of its own is one more at the root import. @internal
 */
export const spellingFree = (key: string): string => key.replace(/_/g, '').toLowerCase();

/** The options of `closestNames`. */
export type ClosestNamesOptions = {
  /** What the model wrote. */
  input: string;
  /** The valid names to choose from. */
  candidates: Iterable<string>;
  /** How many suggestions at most. @defaultValue 3 */
  limit?: number | undefined;
  /** Longest edit distance still worth suggesting. @defaultValue a third of the input, at least 2 */
  maxDistance?: number | undefined;
};

// Inputs come from the model, so the quadratic distance runs on bounded strings only.
const MAX_COMPARED_LENGTH = 64;

/**
 * The valid names closest to a mistyped one (case-insensitive edit distance, then a shared
 * substring), for "did you mean ...?" hints in error messages.
 * @internal
 */
export function closestNames({
  input,
  candidates,
  limit = 3,
  maxDistance,
}: ClosestNamesOptions): string[] {
  const needle = input.toLowerCase().slice(0, MAX_COMPARED_LENGTH);
  if (needle.length === 0) return [];
  const threshold = maxDistance ?? Math.max(2, Math.floor(needle.length / 3));
  const scored: { name: string; score: number }[] = [];
  for (const name of candidates) {
    const hay = name.toLowerCase();
    let score = editDistance(needle, hay.slice(0, MAX_COMPARED_LENGTH), threshold);
    // "york" should find "America/New_York" although the whole names are far apart.
    if (score > threshold && needle.length >= 3 && hay.includes(needle)) score = threshold;
    if (score <= threshold) scored.push({ name, score });
  }
  scored.sort((a, b) => a.score - b.score || a.name.length - b.name.length);
  return scored.slice(0, limit).map((entry) => entry.name);
}

/**
 * The message of a failed check: a fixed text, or a function of the option's path and its value.
 * Each check kind has a default that names the option, what it must be, and what it got.
 */
export type OptionMessage = string | ((path: string, value: unknown) => string);

function fail(message: OptionMessage, path: string, value: unknown): never {
  throw invalidOption(path, typeof message === 'string' ? message : message(path, value));
}

/**
 * A check from a test and a message: the option is wrong when `test` returns false. For options
 * whose rule is theirs alone (`cachedContent` is a name such as 'cachedContents/abc').
 */
export function optionCheck(
  test: (value: unknown) => boolean,
  message: OptionMessage,
): OptionCheck {
  return (value, path) => {
    let passed: boolean | undefined;
    // A value whose read throws (a Proxy, a torn-down SDK's provider) fails as the option's typed
    // error: its own error named no option (attack29).
    try {
      passed = test(value);
    } catch {}
    if (!passed) fail(message, path, value);
  };
}

/**
 * Marks a check as required: it also runs when the option is left out (the value is then
 * `undefined`), so its message says what to pass.
 */
export function required(check: OptionCheck): OptionCheck {
  const wrapped = (value: unknown, path: string): void => check(value, path);
  // Its copy kept: `required(nestedOption(...))` is still copied by checkOptionsCopy.
  return Object.assign(wrapped, { required: true as const, copy: check.copy });
}

/** A function (a hook, an injected clock or fetch). */
export function functionOption(message?: OptionMessage): OptionCheck {
  return optionCheck(
    (value) => typeof value === 'function',
    message ?? ((path, value) => `${path} must be a function; got ${describeValue(value)}.`),
  );
}

/** `true` or `false`. */
export function booleanOption(message?: OptionMessage): OptionCheck {
  return optionCheck(
    (value) => typeof value === 'boolean',
    message ?? ((path, value) => `${path} must be true or false; got ${describeValue(value)}.`),
  );
}

/** A string; with `nonEmpty`, one that is not empty or only spaces. */
export function stringOption({
  nonEmpty = false,
  message,
}: {
  nonEmpty?: boolean | undefined;
  message?: OptionMessage | undefined;
} = {}): OptionCheck {
  return optionCheck(
    (value) => typeof value === 'string' && (!nonEmpty || value.trim() !== ''),
    message ??
      ((path, value) =>
        `${path} must be a ${nonEmpty ? 'non-empty ' : ''}string; got ${describeValue(value)}.`),
  );
}

/** An integer of at least `min` (and at most `max`); `Infinity` too with `infinity: true`. */
export function integerOption({
  min,
  max = Number.POSITIVE_INFINITY,
  infinity = false,
  message,
}: {
  min: number;
  max?: number | undefined;
  infinity?: boolean | undefined;
  message?: OptionMessage | undefined;
}): OptionCheck {
  return optionCheck(
    (value) =>
      (infinity && value === Number.POSITIVE_INFINITY) ||
      (Number.isInteger(value) && (value as number) >= min && (value as number) <= max),
    message ??
      ((path, value) =>
        `${path} must be an integer ${max === Number.POSITIVE_INFINITY ? `of at least ${min}` : `from ${min} to ${max}`}${infinity ? ' (or Infinity for no limit)' : ''}; got ${describeValue(value)}.`),
  );
}

/** A number from `min` to `max` (inclusive), never NaN; finite unless `max` is Infinity. */
export function numberOption({
  min = Number.NEGATIVE_INFINITY,
  max = Number.POSITIVE_INFINITY,
  message,
}: {
  min?: number | undefined;
  max?: number | undefined;
  message: OptionMessage;
}): OptionCheck {
  return optionCheck((value) => typeof value === 'number' && value >= min && value <= max, message);
}

/** One of a few literal values (`'report' | 'throw'`). */
export function oneOfOption(values: readonly unknown[], message?: OptionMessage): OptionCheck {
  const listed = values.map((value) => JSON.stringify(value).replaceAll('"', "'"));
  const choices =
    listed.length === 1 ? listed[0] : `${listed.slice(0, -1).join(', ')} or ${listed.at(-1)}`;
  return optionCheck(
    (value) => values.includes(value),
    message ?? ((path, value) => `${path} must be ${choices}; got ${describeValue(value)}.`),
  );
}

/** An object that is not `null` or an array (its fields checked elsewhere, or not at all). */
export function objectOption(message: OptionMessage): OptionCheck {
  return optionCheck(isOptionsObject, message);
}

/** An array whose every item passes `item` (any item by default). */
export function arrayOption({
  item = () => true,
  message,
}: {
  item?: ((value: unknown) => boolean) | undefined;
  message: OptionMessage;
}): OptionCheck {
  return optionCheck((value) => Array.isArray(value) && value.every(item), message);
}

/**
 * A nested options object, checked as strictly as the outer one by its own declaration (unknown
 * keys with the hint, each value), with paths under the option's (`options.budget.maxSteps`).
 * {@link checkOptionsCopy} copies it too (each property read once), into the outer copy. Anything
 * but an object (an array, `null`, `5`) is refused as the declaration refuses a non-object
 * (`budget takes one options object such as ...; got 5.`); {@link nestedOrOption} also takes
 * other values.
 *
 * @example
 * ```ts
 * checks: { budget: nestedOption(budgetOptions) }
 * ```
 */
export function nestedOption(declared: DeclaredOptions<unknown>): OptionCheck {
  return Object.assign(
    (value: unknown, path: string) => {
      declared.check(value, path);
    },
    { copy: declared.checkCopy },
  );
}

/**
 * `check`, for an option that holds a list or a map of values (`args`, `env`, `headers`):
 * {@link checkOptionsCopy} copies it (`[...list]`, `{ ...map }`, each item read once) and checks
 * the copy, so a getter or a Proxy cannot give the check one list and the use another. A value
 * that is neither is checked as it is (the check names it).
 *
 * @example
 * ```ts
 * checks: { args: copiedOption(arrayOption({ item: isString, message: 'args: strings.' })) }
 * ```
 */
export function copiedOption(check: OptionCheck): OptionCheck {
  return Object.assign((value: unknown, path: string) => check(value, path), {
    required: check.required,
    copy: (value: unknown, path: string) => {
      const copy = Array.isArray(value)
        ? [...value]
        : isOptionsObject(value)
          ? { ...value }
          : value;
      check(copy, path);
      return copy;
    },
  });
}

/**
 * `check`, for an option that holds plain data at any depth (`generationConfig`, `instructions`,
 * `retrievalConfig`): {@link checkOptionsCopy} copies each plain object (of `Object.prototype` or
 * none) and array in it, each property and item read once, keeps every other value as it is (a
 * function, a class instance, a typed array), and checks the copy. Without it a getter deep in
 * the value gave the check `{ latitude: 48 }` and the request `"x"` (attack60d). `check` may be
 * {@link checkedWhereUsed}: the value is then copied here and checked where it is used.
 *
 * @example
 * ```ts
 * checks: { retrievalConfig: dataOption(checkRetrievalConfig) }
 * ```
 */
export function dataOption(check: OptionCheck): OptionCheck {
  return Object.assign((value: unknown, path: string) => check(value, path), {
    required: check.required,
    copy: (value: unknown, path: string) => {
      const copy = copyData(value, path, new Map(), 0);
      check(copy, path);
      return copy;
    },
  });
}

// How deep {@link dataOption} copies, and the longest array it copies: past either the value is
// kept as it is (a JSON schema is not 100 levels deep; a 10^9-long sparse array must not become
// 10^9 reads and an array of that length here).
const MAX_COPIED_DEPTH = 100;
const MAX_COPIED_ITEMS = 100_000;

/** A copy of the plain data in `value` ({@link dataOption}): cycles kept as cycles. */
function copyData(
  value: unknown,
  path: string,
  copies: Map<object, unknown>,
  depth: number,
): unknown {
  if (typeof value !== 'object' || value === null || depth > MAX_COPIED_DEPTH) return value;
  const made = copies.get(value);
  if (made !== undefined) return made;
  let array: boolean;
  let prototype: object | null;
  let length = 0;
  try {
    array = Array.isArray(value);
    prototype = array ? null : Object.getPrototypeOf(value);
    if (array) length = (value as unknown[]).length;
  } catch (error) {
    // A revoked Proxy, or one whose traps throw.
    throw unreadableOptions(value, path, error);
  }
  if (array) {
    if (length > MAX_COPIED_ITEMS) return value;
    const list: unknown[] = [];
    copies.set(value, list);
    for (let index = 0; index < length; index++) {
      const itemPath = `${path}[${index}]`;
      let item: unknown;
      try {
        item = (value as unknown[])[index];
      } catch (error) {
        throw unreadableOption(itemPath, error);
      }
      list.push(copyData(item, itemPath, copies, depth + 1));
    }
    return list;
  }
  if (prototype !== Object.prototype && prototype !== null) return value;
  const copy = readOwnOptions(value, path);
  copies.set(value, copy);
  for (const key of Object.keys(copy)) {
    const item = copy[key];
    const copied = copyData(item, `${path}.${describeKey(key)}`, copies, depth + 1);
    // Defined, not assigned: an own '__proto__' (JSON.parse makes one) would set the prototype.
    if (copied !== item) {
      Object.defineProperty(copy, key, {
        value: copied,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return copy;
}

/**
 * {@link nestedOption} for an option that can also be something else than an object (`true`,
 * `false`): an object is a nested group (copied by {@link checkOptionsCopy}), any other value is
 * checked by `other` (and an array by `other` too: it is not an options object).
 *
 * @example
 * ```ts
 * // true, false or { model, prompt }
 * checks: { summarize: nestedOrOption(summarizeOptions, booleanOption()) }
 * ```
 */
export function nestedOrOption(
  declared: DeclaredOptions<unknown>,
  other: OptionCheck,
): OptionCheck {
  const nested = nestedOption(declared);
  const either =
    (check: (value: unknown, path: string) => unknown) => (value: unknown, path: string) => {
      if (isOptionsObject(value)) return check(value, path);
      other(value, path);
      return value;
    };
  return Object.assign(either(nested), { copy: either(declared.checkCopy) });
}

/**
 * The values of `defaults` with the ones `given` holds laid over them: `{ ...defaults, ...given }`
 * for the keys of `defaults`, where a key given as `undefined` counts as left out (an option set
 * to `undefined` is left out everywhere in gemloop, as `exactOptionalPropertyTypes` allows it).
 * The one place an option group's defaults are applied, so each default is written once, in the
 * group's `DEFAULTS`.
 *
 * @example
 * ```ts
 * const STEP_DEFAULTS = { maxSteps: 10, maxReasks: 2 } as const;
 * withDefaults(STEP_DEFAULTS, { maxSteps: undefined, maxReasks: 0 }); // { maxSteps: 10, maxReasks: 0 }
 * ```
 * @internal
 */
export function withDefaults<Defaults extends object>(
  defaults: Defaults,
  given: { readonly [K in keyof Defaults]?: Defaults[K] | undefined } | undefined,
): Defaults {
  const values = { ...defaults };
  if (given === undefined) return values;
  for (const key of Object.keys(defaults) as (keyof Defaults)[]) {
    const value = given[key];
    if (value !== undefined) values[key] = value;
  }
  return values;
}
