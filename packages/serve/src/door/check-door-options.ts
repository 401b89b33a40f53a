import { InvalidArgumentError } from '@gemloop/core/errors';
import type { RateLimit } from '../openai/rate-limiter.ts';
import { rateLimitOption, wholeNumberOption } from './door-option-keys.ts';
import { heartbeatOption } from './heartbeat.ts';

/**
 * The defaults of the options the HTTP doors share, declared once: a body of at most 1 MiB, and
 * 60 requests a minute per owner (the MCP server's own default is 300: every request of an MCP
 * session counts). @internal
 */
export const DOOR_DEFAULTS: {
  readonly maxBodyBytes: number;
  readonly rateLimit: Readonly<RateLimit>;
} = { maxBodyBytes: 1024 * 1024, rateLimit: { requests: 60, windowMs: 60_000 } };

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
  wholeNumberOption(least)(value, name);
  return value;
}

/** The checked settings every HTTP door has. @internal */
export type DoorSettings = {
  onError: (error: unknown) => void;
  now: () => number;
  maxBodyBytes: number;
  rateLimit: RateLimit | false;
  /** The event streams' heartbeat interval in ms, 0 for none. */
  heartbeatMs: number;
};

/**
 * What the HTTP doors (AG-UI, A2A) share in their options: an `authorize` function, an `onError`
 * that never throws into an answer, the clock, the body limit (1 MiB) and the rate limit (60 a
 * minute per owner, `false` off) and the event streams' heartbeat (15 s), checked with errors
 * naming the option. @internal
 */
export function checkDoorOptions(options: {
  authorize?: unknown;
  onError?: ((error: unknown) => void) | undefined;
  now?: (() => number) | undefined;
  maxBodyBytes?: number | undefined;
  rateLimit?: RateLimit | false | undefined;
  heartbeatMs?: number | false | undefined;
}): DoorSettings {
  if (typeof options.authorize !== 'function') {
    failOption(
      'authorize',
      'authorize must be a function (request) => owner | null: every door of a served agent checks who calls.',
    );
  }
  const rateLimit = options.rateLimit ?? DOOR_DEFAULTS.rateLimit;
  rateLimitOption(rateLimit, 'rateLimit');
  return {
    onError: (error: unknown) => {
      try {
        options.onError?.(error);
      } catch {
        // A logging hook that throws must not turn an answer into another failure.
      }
    },
    now: options.now ?? Date.now,
    maxBodyBytes: wholeOption(options.maxBodyBytes, 'maxBodyBytes', DOOR_DEFAULTS.maxBodyBytes),
    rateLimit: rateLimit,
    heartbeatMs: heartbeatOption(options.heartbeatMs),
  };
}
