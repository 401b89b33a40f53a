import { InvalidArgumentError } from '@gemloop/core/errors';
import { wholeNumberOption } from './door-option-keys.ts';

/**
 * The bytes of request bodies a door (or the doors mounted together) may be reading at once: each
 * body reserves its bytes before they are read and gives them back when its read (and parse) has
 * ended, whatever way it ended. Each door handler owns one; `mountDoors` gives one to the doors it
 * mounts, so their bodies share the bound. @internal
 */
export type BodyBudget = {
  /** The bound, in bytes (the doors' `maxBodyBytesInFlight`). */
  readonly limit: number;
  /** The bytes reserved now. */
  inFlight(): number;
  /** Reserves `bytes` if they fit within the bound: `true`, else `false` and nothing reserved. */
  take(bytes: number): boolean;
  /** Gives back `bytes` that {@link BodyBudget.take} reserved. */
  give(bytes: number): void;
};

/**
 * A {@link BodyBudget} of `limit` bytes. A single reservation may be the whole bound (a body of
 * `maxBodyBytes` when `maxBodyBytesInFlight` is that), never more. @internal
 */
export function createBodyBudget(limit: number): BodyBudget {
  let reserved = 0;
  return {
    limit,
    inFlight: () => reserved,
    take(bytes) {
      if (reserved + bytes > limit) return false;
      reserved += bytes;
      return true;
    },
    give(bytes) {
      // Never below zero: a give that did not match a take must not grow the bound for others.
      reserved = Math.max(0, reserved - bytes);
    },
  };
}

/**
 * How many bodies of `maxBodyBytes` the default `maxBodyBytesInFlight` holds at once. Four: a
 * body costs four to five times its size in memory while it is read, parsed and answered
 * (media-size56: 78 and 115 MB of peak RSS for a 21 MB body, refused and answered), so four
 * bodies of the default 32 MiB are ~0.5–0.7 GB at the worst, within a small server's memory,
 * where a hundred callers sending one each held ~3.2 GB of bytes alone; and four is still a few
 * photos arriving at once from a few users, each retried after `Retry-After` when it meets a
 * full door. @internal
 */
export const DEFAULT_BODIES_IN_FLIGHT = 4;

/**
 * The option each HTTP door taking media (OpenAI, A2A, AG-UI) has for it: declared once,
 * intersected into each door's options.
 */
export type DoorBodyBudgetOptions = {
  /**
   * The bytes of request bodies the door reads at once, all callers together (through
   * `mountDoors`, the OpenAI, A2A and AG-UI doors mounted together share one bound). A body
   * whose `Content-Length` would pass it is answered 503 with `Retry-After` before a byte of it
   * is read, in the door's error shape, naming this limit and this option; a body without a
   * length (chunked) reserves as it arrives and is cut off the same way. The bytes are given
   * back when the body has been read and parsed, whatever happened to it. `maxBodyBytes` bounds
   * one body, this bounds them all: a hundred callers each sending a 32 MiB photo at once would
   * otherwise hold 3.2 GB. A body declared and then not sent gives its share back after
   * `bodyIdleTimeoutMs` without a byte (answered 408); one that trickles a byte within each
   * holds it until the server ends the request (Node's `server.requestTimeout`, 300 s by
   * default): lower that where callers are not all trusted. At least `maxBodyBytes`.
   * @defaultValue four times `maxBodyBytes` (128 MiB for the default 32 MiB)
   */
  maxBodyBytesInFlight?: number | undefined;
  /**
   * The milliseconds a request body may go without a byte arriving before the door stops
   * reading it, gives its share of `maxBodyBytesInFlight` back and answers 408 in its error
   * shape, naming the seconds and this option. Without it, a caller could declare a
   * `Content-Length`, send nothing, and hold its share of the bound until Node's
   * `server.requestTimeout` (300 s), every other caller's body answered 503 meanwhile
   * (attack57b). Ten seconds: a phone on a poor link still moves some bytes every second while
   * it uploads, and ten seconds of none is a stalled or hostile sender (nginx's
   * `client_body_timeout` is 60 s between two reads; this is stricter because a share here
   * blocks other callers). The clock restarts at every chunk, so a slow upload that keeps
   * arriving is never cut. A whole number of at least 1.
   * @defaultValue 10_000 (10 s)
   */
  bodyIdleTimeoutMs?: number | undefined;
};

/** {@link DoorBodyBudgetOptions.bodyIdleTimeoutMs}'s default: 10 s without a byte. @internal */
export const DEFAULT_BODY_IDLE_TIMEOUT_MS = 10_000;

/**
 * `bodyIdleTimeoutMs` checked: a whole number of milliseconds of at least 1,
 * {@link DEFAULT_BODY_IDLE_TIMEOUT_MS} when absent. @internal
 */
export function bodyIdleTimeoutOption(value: number | undefined): number {
  if (value === undefined) return DEFAULT_BODY_IDLE_TIMEOUT_MS;
  wholeNumberOption()(value, 'bodyIdleTimeoutMs');
  return value;
}

/**
 * `maxBodyBytesInFlight` checked against the door's `maxBodyBytes` (already checked): a whole
 * number of bytes of at least one body, {@link DEFAULT_BODIES_IN_FLIGHT} bodies when absent.
 * @internal
 */
export function bodyBudgetOption(value: number | undefined, maxBodyBytes: number): number {
  if (value === undefined) return DEFAULT_BODIES_IN_FLIGHT * maxBodyBytes;
  wholeNumberOption()(value, 'maxBodyBytesInFlight');
  if (value < maxBodyBytes) {
    throw new InvalidArgumentError({
      argument: 'maxBodyBytesInFlight',
      message: `maxBodyBytesInFlight must be at least maxBodyBytes (${maxBodyBytes}): a body the size of the limit has to fit; got ${value}.`,
    });
  }
  return value;
}
