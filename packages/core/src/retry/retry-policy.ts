import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import type { OptionCheck } from '../options/define-options.ts';
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

const KNOWN_KEYS: ReadonlySet<string> = new Set([
  'maxRetries',
  'initialDelayMs',
  'maxDelayMs',
  'factor',
  'jitter',
  'maxServerDelayMs',
]);

/**
 * Applies retry options on top of a base policy (the defaults, or the client's policy for a
 * per-call override), checking each value strictly. `false` turns retries off.
 * @param argument The option's name for error messages, e.g. `retry` or `options.retry`.
 * @throws {@link InvalidArgumentError} naming the bad field and a valid value.
 * @internal
 */
export function resolveRetryPolicy(
  options: RetryOptions | false | undefined,
  base: RetryPolicy,
  argument: string,
): RetryPolicy {
  if (options === undefined) return base;
  if (options === false) return NO_RETRIES;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidArgumentError({
      argument,
      message: `${argument} must be an object such as { maxRetries: 3 }, or false to turn retries off.`,
    });
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN_KEYS.has(key)) {
      throw new InvalidArgumentError({
        argument: `${argument}.${key}`,
        message: `${argument}.${key} is not a retry option; use one of ${[...KNOWN_KEYS].join(', ')}.`,
      });
    }
  }
  const jitter = options.jitter ?? base.jitter;
  if (typeof jitter !== 'boolean') {
    throw new InvalidArgumentError({
      argument: `${argument}.jitter`,
      message: `${argument}.jitter must be true or false.`,
    });
  }
  return {
    maxRetries: checkNumber(options.maxRetries, base.maxRetries, `${argument}.maxRetries`, {
      integer: true,
      hint: '0 turns retries off',
    }),
    initialDelayMs: checkNumber(
      options.initialDelayMs,
      base.initialDelayMs,
      `${argument}.initialDelayMs`,
    ),
    maxDelayMs: checkNumber(options.maxDelayMs, base.maxDelayMs, `${argument}.maxDelayMs`),
    factor: checkNumber(options.factor, base.factor, `${argument}.factor`, { minimum: 1 }),
    jitter,
    maxServerDelayMs: checkNumber(
      options.maxServerDelayMs,
      base.maxServerDelayMs,
      `${argument}.maxServerDelayMs`,
      { hint: '0 fails at once whenever the server asks for a delay' },
    ),
  };
}

function checkNumber(
  value: number | undefined,
  fallback: number,
  argument: string,
  {
    integer = false,
    minimum = 0,
    hint,
  }: { integer?: boolean; minimum?: number; hint?: string } = {},
): number {
  if (value === undefined) return fallback;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < minimum ||
    (integer && !Number.isInteger(value))
  ) {
    const kind = integer ? 'an integer' : 'a finite number';
    throw new InvalidArgumentError({
      argument,
      message: `${argument} must be ${kind} >= ${minimum}${hint ? ` (${hint})` : ''}; got ${String(value)}.`,
    });
  }
  return value;
}

/**
 * The backoff before retry number `retry` (1-based): `initialDelayMs * factor^(retry-1)`, capped at
 * `maxDelayMs`; with jitter, a uniform pick between half and one and a half times that value (still
 * capped), so many clients hitting the same 503 do not retry in lockstep.
 * @internal
 */
export function computeBackoffDelay(
  policy: RetryPolicy,
  retry: number,
  random: () => number = Math.random,
): number {
  const nominal = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.factor ** (retry - 1));
  if (!policy.jitter) return Math.round(nominal);
  return Math.round(Math.min(policy.maxDelayMs, nominal * (0.5 + random())));
}

/** {@link resolveRetryPolicy} as the check of an options declaration (`defineOptions`). @internal */
export const retryOption: OptionCheck = (value, path) => {
  resolveRetryPolicy(value as RetryOptions | false, DEFAULT_RETRY_POLICY, path);
};
