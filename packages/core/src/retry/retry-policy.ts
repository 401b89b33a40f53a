import {
  booleanOption,
  checkOptionsCopy,
  type DeclaredOptions,
  defineOptions,
  describeValue,
  type OptionCheck,
  optionCheck,
} from '../options/define-options.ts';
import type { RetryOptions } from './retry-options.ts';

/** Retries after the first attempt. */
export const DEFAULT_MAX_RETRIES = 3;
/** The first backoff delay. */
export const DEFAULT_INITIAL_DELAY_MS = 1000;
/** The cap of one backoff delay. */
export const DEFAULT_MAX_DELAY_MS = 30_000;
/** Backoff growth per retry. */
export const DEFAULT_FACTOR = 2;
/** Whether backoff delays are randomised. */
export const DEFAULT_JITTER = true;
/** The longest server-requested delay (RetryInfo, Retry-After) gemloop waits for. */
export const DEFAULT_MAX_SERVER_DELAY_MS = 60_000;

/** A retry policy with every default applied. `maxRetries: 0` means no retries. */
export type RetryPolicy = {
  readonly maxRetries: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly factor: number;
  readonly jitter: boolean;
  readonly maxServerDelayMs: number;
};

/** The policy when retries are off. */
export const NO_RETRIES: RetryPolicy = Object.freeze({
  maxRetries: 0,
  initialDelayMs: DEFAULT_INITIAL_DELAY_MS,
  maxDelayMs: DEFAULT_MAX_DELAY_MS,
  factor: DEFAULT_FACTOR,
  jitter: DEFAULT_JITTER,
  maxServerDelayMs: DEFAULT_MAX_SERVER_DELAY_MS,
});

/** The default policy: 3 retries, 1 s doubling to at most 30 s with jitter, server delays up to 60 s. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  ...NO_RETRIES,
  maxRetries: DEFAULT_MAX_RETRIES,
});

/** A number option of the retry policy: finite, at least `minimum`, an integer if asked. */
function retryNumber({
  integer = false,
  minimum = 0,
  hint,
}: {
  integer?: boolean;
  minimum?: number;
  hint?: string;
} = {}): OptionCheck {
  return optionCheck(
    (value) =>
      typeof value === 'number' &&
      Number.isFinite(value) &&
      value >= minimum &&
      (!integer || Number.isInteger(value)),
    (path, value) =>
      `${path} must be ${integer ? 'an integer' : 'a finite number'} >= ${minimum}${hint ? ` (${hint})` : ''}; got ${describeValue(value)}.`,
  );
}

const retryOptions: DeclaredOptions<RetryOptions> = defineOptions<RetryOptions>({
  name: 'retry',
  example: '{ maxRetries: 3 } (or false to turn retries off)',
  checks: {
    maxRetries: retryNumber({ integer: true, hint: '0 turns retries off' }),
    initialDelayMs: retryNumber(),
    maxDelayMs: retryNumber(),
    factor: retryNumber({ minimum: 1 }),
    jitter: booleanOption((path) => `${path} must be true or false.`),
    maxServerDelayMs: retryNumber({ hint: '0 fails at once whenever the server asks for a delay' }),
  },
});

/**
 * Applies retry options on top of a base policy (the defaults, or the client's policy for a
 * per-call override), checking each value strictly. `false` turns retries off.
 * @param argument The option's name for error messages, e.g. `retry` or `options.retry`.
 * @throws InvalidArgumentError naming the bad field and a valid value.
 * @internal
 */
export function resolveRetryPolicy(
  options: RetryOptions | false | undefined,
  base: RetryPolicy,
  argument: string,
): RetryPolicy {
  if (options === undefined) return base;
  if (options === false) return NO_RETRIES;
  // Checked and read from one copy (attack23): a `maxRetries` getter gave the check 1, the loop 1e9.
  options = checkOptionsCopy(retryOptions, options, argument);
  return {
    maxRetries: options.maxRetries ?? base.maxRetries,
    initialDelayMs: options.initialDelayMs ?? base.initialDelayMs,
    maxDelayMs: options.maxDelayMs ?? base.maxDelayMs,
    factor: options.factor ?? base.factor,
    jitter: options.jitter ?? base.jitter,
    maxServerDelayMs: options.maxServerDelayMs ?? base.maxServerDelayMs,
  };
}

/** {@link resolveRetryPolicy} as the check of an options declaration (`defineOptions`). @internal */
export const retryOption: OptionCheck = (value, path) => {
  resolveRetryPolicy(value as RetryOptions | false, DEFAULT_RETRY_POLICY, path);
};
