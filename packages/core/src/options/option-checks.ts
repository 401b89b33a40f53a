import { isOptionsObject } from './copy-options.ts';
import { type DeclaredOptions, describeValue, type OptionCheck } from './define-options.ts';
import { invalidOption } from './invalid-option.ts';

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
