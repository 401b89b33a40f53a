import { InvalidArgumentError } from '@gemloop/core/errors';
import { wholeNumberOption } from './door-option-keys.ts';

/**
 * The bytes of request bodies a door (or the doors mounted together) may be reading at once: each
 * body reserves its bytes before they are read and gives them back when its read (and parse) has
 * ended, whatever way it ended. Each door handler owns one; `mountDoors` gives one to the doors it
 * mounts, so their bodies share the bound. A caller (the owner `authorize` gave, the rate limit's
 * key) holds at most `perCaller` of it, so one caller's slow bodies leave room for the others.
 * @internal
 */
export type BodyBudget = {
  /** The bound, in bytes (the doors' `maxBodyBytesInFlight`). */
  readonly limit: number;
  /** The most one caller may hold of it (the doors' `maxBodyBytesInFlightPerCaller`). */
  readonly perCaller: number;
  /** The bytes reserved now, all callers together. */
  inFlight(): number;
  /** The bytes `owner` has reserved now. */
  inFlightOf(owner: string): number;
  /**
   * Reserves `bytes` for `owner` if they fit within the bound and the owner's share: `true`, else
   * `false` and nothing reserved. Without an owner the bytes count to the bound alone.
   */
  take(bytes: number, owner?: string | undefined): boolean;
  /** Gives back `bytes` that {@link BodyBudget.take} reserved for the same `owner`. */
  give(bytes: number, owner?: string | undefined): void;
};

/**
 * A {@link BodyBudget} of `limit` bytes, at most `perCaller` of them held by one caller (by
 * default the whole bound). A single reservation may be the whole bound (a body of
 * `maxBodyBytes` when `maxBodyBytesInFlight` is that), never more. @internal
 */
export function createBodyBudget(limit: number, perCaller: number = limit): BodyBudget {
  let reserved = 0;
  // Only callers holding bytes are kept: an entry goes at 0, so the map is bounded by the bodies
  // being read, not by every caller ever seen.
  const held = new Map<string, number>();
  return {
    limit,
    perCaller,
    inFlight: () => reserved,
    inFlightOf: (owner) => held.get(owner) ?? 0,
    take(bytes, owner) {
      if (reserved + bytes > limit) return false;
      const mine = owner === undefined ? 0 : (held.get(owner) ?? 0);
      if (owner !== undefined && mine + bytes > perCaller) return false;
      reserved += bytes;
      if (owner !== undefined && bytes > 0) held.set(owner, mine + bytes);
      return true;
    },
    give(bytes, owner) {
      // Never below zero: a give that did not match a take must not grow the bound for others.
      reserved = Math.max(0, reserved - bytes);
      if (owner === undefined) return;
      const left = (held.get(owner) ?? 0) - bytes;
      if (left > 0) held.set(owner, left);
      else held.delete(owner);
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
   * default): lower that where callers are not all trusted. One caller holds at most
   * `maxBodyBytesInFlightPerCaller` of it. At least `maxBodyBytes`.
   * @defaultValue four times `maxBodyBytes` (128 MiB for the default 32 MiB)
   */
  maxBodyBytesInFlight?: number | undefined;
  /**
   * The most of `maxBodyBytesInFlight` one caller (the owner `authorize` gives, the rate limit's
   * key) holds at once: past it that caller's next body is answered the same 503 with
   * `Retry-After`, naming this limit and this option, while other callers' bodies are still read.
   * Without it one caller whose bodies trickle a byte within each `bodyIdleTimeoutMs` held the
   * whole bound until Node's `server.requestTimeout` (300 s), every other caller answered 503
   * meanwhile. Half: two callers can each hold a share, and no caller can shut out the rest. A
   * whole number of at least `maxBodyBytes` (a body the size of the limit has to fit);
   * `maxBodyBytesInFlight` or more lets one caller take the whole bound, as before.
   * @defaultValue half of `maxBodyBytesInFlight`, at least `maxBodyBytes` (64 MiB for the defaults)
   */
  maxBodyBytesInFlightPerCaller?: number | undefined;
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
  return atLeastOneBody(value, 'maxBodyBytesInFlight', maxBodyBytes);
}

/**
 * `maxBodyBytesInFlightPerCaller` checked against the door's `maxBodyBytes` (already checked): a
 * whole number of bytes of at least one body; when absent half of `maxBodyBytesInFlight`
 * (`limit`), at least one body. @internal
 */
export function bodyShareOption(
  value: number | undefined,
  maxBodyBytes: number,
  limit: number,
): number {
  if (value === undefined) return Math.max(maxBodyBytes, Math.floor(limit / 2));
  return atLeastOneBody(value, 'maxBodyBytesInFlightPerCaller', maxBodyBytes);
}

/** `value` of option `name`: a whole number of bytes that holds a body of `maxBodyBytes`. */
function atLeastOneBody(value: number, name: string, maxBodyBytes: number): number {
  wholeNumberOption()(value, name);
  if (value < maxBodyBytes) {
    throw new InvalidArgumentError({
      argument: name,
      message: `${name} must be at least maxBodyBytes (${maxBodyBytes}): a body the size of the limit has to fit; got ${value}.`,
    });
  }
  return value;
}

/** {@link DoorBodyBudgetOptions} checked, with their defaults. @internal */
export type BodyBudgetSettings = {
  /** The bytes of bodies read at once (`maxBodyBytesInFlight`), at least `maxBodyBytes`. */
  maxBodyBytesInFlight: number;
  /** The most of it one caller holds (`maxBodyBytesInFlightPerCaller`), at least `maxBodyBytes`. */
  maxBodyBytesInFlightPerCaller: number;
  /** The ms a body may go without a byte before it is cut off with 408 (`bodyIdleTimeoutMs`). */
  bodyIdleTimeoutMs: number;
};

/**
 * A door's {@link DoorBodyBudgetOptions} checked against its `maxBodyBytes` (already checked),
 * each refused with a message naming it: one place for every door that reads bodies. @internal
 */
export function checkBodyBudgetOptions(
  options: DoorBodyBudgetOptions,
  maxBodyBytes: number,
): BodyBudgetSettings {
  const maxBodyBytesInFlight = bodyBudgetOption(options.maxBodyBytesInFlight, maxBodyBytes);
  return {
    maxBodyBytesInFlight,
    maxBodyBytesInFlightPerCaller: bodyShareOption(
      options.maxBodyBytesInFlightPerCaller,
      maxBodyBytes,
      maxBodyBytesInFlight,
    ),
    bodyIdleTimeoutMs: bodyIdleTimeoutOption(options.bodyIdleTimeoutMs),
  };
}
