import { InvalidArgumentError } from '@gemloop/core/errors';
import { copyOptions } from '@gemloop/core/internal';
import type { RateLimit } from '../openai/rate-limiter.ts';
import { isRecord } from '../openai/to-contents.ts';

const MIB = 1024 * 1024;

/** Throws the door's {@link InvalidArgumentError} for `argument`. @internal */
export function failOption(argument: string, message: string): never {
  throw new InvalidArgumentError({ argument, message });
}

/** `value` as a whole number of at least `least`, `fallback` when absent. @internal */
export function wholeOption(
  value: number | undefined,
  name: string,
  fallback: number,
  least = 1,
): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < least)
    failOption(name, `${name} must be an integer of at least ${least}.`);
  return value;
}

/**
 * A door's options copied, with the nested ones its checks read and its handler reads again:
 * `rateLimit` (its `requests` checked, then read by the limiter) and the `agents` map (each id
 * checked, then served). Read once each (attack23): a getter gave the check `requests: 60` and
 * the limiter NaN, which let every request through. @internal
 */
export function copyDoorOptions<Options>(given: Options): Options {
  const options = copyOptions(given);
  if (options === given || !isRecord(options)) return options;
  const record = options as Record<string, unknown>;
  if (isRecord(record['rateLimit'])) record['rateLimit'] = { ...record['rateLimit'] };
  if (isRecord(record['agents'])) record['agents'] = { ...record['agents'] };
  return options;
}

/** The checked settings every HTTP door has. @internal */
export type DoorSettings = {
  onError: (error: unknown) => void;
  now: () => number;
  maxBodyBytes: number;
  rateLimit: RateLimit | false;
};

/**
 * What the HTTP doors (AG-UI, A2A) share in their options: an `authorize` function, an `onError`
 * that never throws into an answer, the clock, the body limit (1 MiB) and the rate limit (60 a
 * minute per owner, `false` off), checked with errors naming the option. @internal
 */
export function checkDoorOptions(options: {
  authorize?: unknown;
  onError?: ((error: unknown) => void) | undefined;
  now?: (() => number) | undefined;
  maxBodyBytes?: number | undefined;
  rateLimit?: RateLimit | false | undefined;
}): DoorSettings {
  if (typeof options.authorize !== 'function') {
    failOption(
      'authorize',
      'authorize must be a function (request) => owner | null: every door of a served agent checks who calls.',
    );
  }
  const rateLimit = options.rateLimit ?? { requests: 60, windowMs: 60_000 };
  if (rateLimit !== false) {
    if (!isRecord(rateLimit))
      failOption('rateLimit', 'rateLimit must be { requests, windowMs } or false.');
    wholeOption(rateLimit.requests, 'rateLimit.requests', 1);
    wholeOption(rateLimit.windowMs, 'rateLimit.windowMs', 1);
  }
  return {
    onError: (error: unknown) => {
      try {
        options.onError?.(error);
      } catch {
        // A logging hook that throws must not turn an answer into another failure.
      }
    },
    now: options.now ?? Date.now,
    maxBodyBytes: wholeOption(options.maxBodyBytes, 'maxBodyBytes', MIB),
    rateLimit: rateLimit,
  };
}
