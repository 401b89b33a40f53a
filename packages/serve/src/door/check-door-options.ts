import { InvalidArgumentError } from '@gemloop/core/errors';
import type { RateLimit } from '../openai/rate-limiter.ts';
import {
  type BodyBudgetSettings,
  checkBodyBudgetOptions,
  type DoorBodyBudgetOptions,
} from './body-budget.ts';
import { rateLimitOption, wholeNumberOption } from './door-option-keys.ts';
import { heartbeatOption } from './heartbeat.ts';

/**
 * The defaults of the options the HTTP doors share, declared once: a body of at most 32 MiB, and
 * 60 requests a minute per owner (the MCP server's own defaults are 300 requests and a 1 MiB body:
 * every request of an MCP session counts, and its tool arguments carry no media).
 *
 * 32 MiB, not the 1 MiB it was (media-size56): the OpenAI, A2A and AG-UI doors take images, audio
 * and files inline, and a client sends a phone photo as base64 JSON. OpenAI takes "up to 20MB per
 * image" (platform.openai.com/docs/guides/images-vision), 26.7 MB in base64; Gemini takes 100 MB of
 * inline data in one request (base64 counted, blog.google, gemini-api-new-file-limits, 2026-01) and
 * 20 MB was its long-standing limit. 32 MiB takes one such image with its text; 1 MiB answered
 * the `openai` SDK's first photo 413. A body costs four to five times its size in memory while
 * it is answered (bench/RESULTS.md, media-size56: peak RSS medians of 78 and 115 MB for a 21 MB
 * body, refused and answered); how many are read at once is bounded by `maxBodyBytesInFlight`
 * (`DEFAULT_BODIES_IN_FLIGHT` bodies, `body-budget.ts`), and no body is read before `authorize`
 * has accepted the caller and the rate limit has counted them. @internal
 */
export const DOOR_DEFAULTS: {
  readonly maxBodyBytes: number;
  readonly rateLimit: Readonly<RateLimit>;
} = { maxBodyBytes: 32 * 1024 * 1024, rateLimit: { requests: 60, windowMs: 60_000 } };

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
export type DoorSettings = BodyBudgetSettings & {
  onError: (error: unknown) => void;
  now: () => number;
  maxBodyBytes: number;
  rateLimit: RateLimit | false;
  /** The event streams' heartbeat interval in ms, 0 for none. */
  heartbeatMs: number;
};

/**
 * What the HTTP doors (AG-UI, A2A) share in their options: an `authorize` function, an `onError`
 * that never throws into an answer, the clock, the body limit (32 MiB), the bodies read at once (four of them) and the rate limit (60 a
 * minute per owner, `false` off) and the event streams' heartbeat (15 s), checked with errors
 * naming the option. @internal
 */
export function checkDoorOptions(
  options: DoorBodyBudgetOptions & {
    authorize?: unknown;
    onError?: ((error: unknown) => void) | undefined;
    now?: (() => number) | undefined;
    maxBodyBytes?: number | undefined;
    rateLimit?: RateLimit | false | undefined;
    heartbeatMs?: number | false | undefined;
  },
): DoorSettings {
  if (typeof options.authorize !== 'function') {
    failOption(
      'authorize',
      'authorize must be a function (request) => owner | null: every door of a served agent checks who calls.',
    );
  }
  const rateLimit = options.rateLimit ?? DOOR_DEFAULTS.rateLimit;
  rateLimitOption(rateLimit, 'rateLimit');
  const maxBodyBytes = wholeOption(
    options.maxBodyBytes,
    'maxBodyBytes',
    DOOR_DEFAULTS.maxBodyBytes,
  );
  return {
    onError: (error: unknown) => {
      try {
        options.onError?.(error);
      } catch {
        // A logging hook that throws must not turn an answer into another failure.
      }
    },
    now: options.now ?? Date.now,
    maxBodyBytes,
    ...checkBodyBudgetOptions(options, maxBodyBytes),
    rateLimit: rateLimit,
    heartbeatMs: heartbeatOption(options.heartbeatMs),
  };
}
