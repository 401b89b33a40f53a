import { InvalidArgumentError } from '@gemloop/core/errors';
import { hasContentCoding, readBoundedText } from '@gemloop/core/internal';
import type { BodyBudget } from './body-budget.ts';

/** What {@link readBoundedBody} is given besides the request. @internal */
export type ReadBoundedBodyOptions<T> = {
  /** The largest body, in bytes (the door's `maxBodyBytes`). */
  maxBytes: number;
  /** The bytes of bodies the door (or the mounted doors) may read at once. */
  budget: BodyBudget;
  /** The ms the body may go without a byte before it is cut off (the door's `bodyIdleTimeoutMs`). */
  idleTimeoutMs: number;
  /** Who sends it (the owner `authorize` gave): its bytes count to this caller's share too. */
  owner: string;
  /**
   * Told when the body is refused for the budget, before `busy` is thrown: the door gives the
   * caller's count of its rate limit back, as a request refused for other callers' bodies did no
   * work for this one.
   */
  onBusy?: (() => void) | undefined;
  /** What the text becomes while its bytes are still reserved (the door's JSON parse). */
  parse: (text: string) => T;
  /** Each refusal in the door's own error shape. */
  errors: {
    coded: () => Error;
    tooLarge: (message: string) => Error;
    notUtf8: () => Error;
    /**
     * A 503 with `Retry-After` ({@link BODIES_BUSY_RETRY_AFTER_SECONDS}), for the bound or the
     * caller's share of it (the message from {@link bodiesBusyMessage} or {@link callerBusyMessage}).
     */
    busy: (message: string) => Error;
    /** A 408 for a body that stopped arriving (the message from {@link bodyIdleMessage}). */
    timedOut: (message: string) => Error;
  };
};

/** What a door passes of its own to its body reader: the limits, and who sends the body. @internal */
export type BodyLimits = Pick<
  ReadBoundedBodyOptions<unknown>,
  'maxBytes' | 'budget' | 'idleTimeoutMs' | 'owner' | 'onBusy'
>;

/**
 * A request body, at most `maxBytes`, read within the door's {@link BodyBudget} and parsed.
 * Thrown, each in the door's own error shape: `coded()` for a body with a content coding, which no
 * door decodes (unread, before its declared length is judged: core's `hasContentCoding`);
 * `tooLarge(message)` for a body declared or read past the bound (the message from
 * {@link bodyTooLargeMessage}); `busy(message)` for a body the budget has no room for (the message
 * from {@link bodiesBusyMessage}, or {@link callerBusyMessage} when it is `owner`'s share that has no
 * room), `onBusy` told first: unread when its declared length does not fit, cut off at the
 * chunk that does not fit when it declared none (or less than it sent); `timedOut(message)` for a
 * body that went `idleTimeoutMs` without a byte (the message from {@link bodyIdleMessage}), its
 * read cancelled; `notUtf8()` for bytes that are not UTF-8 (never replaced by U+FFFD). The bytes reserved are given back however the read
 * ends (parsed, refused, failed, the client gone), after `parse`: the body's bytes, its text and
 * its parse are the transient copies (media-size56), so the reservation covers them all. Shared
 * by the doors. @internal
 */
export async function readBoundedBody<T>(
  request: Request,
  { maxBytes, budget, idleTimeoutMs, owner, onBusy, parse, errors }: ReadBoundedBodyOptions<T>,
): Promise<T> {
  if (hasContentCoding(request)) throw errors.coded();
  const header = request.headers.get('content-length');
  const declared = header === null ? Number.NaN : Number(header);
  if (Number.isFinite(declared) && declared > maxBytes)
    throw errors.tooLarge(bodyTooLargeMessage(maxBytes, declared));
  // Only a whole, positive length is reserved up front: a made-up `Request` may say `-5`, which
  // must not give the budget bytes it never took.
  let held = Number.isSafeInteger(declared) && declared > 0 ? declared : 0;
  const refused = (bytes: number): Error => {
    onBusy?.();
    // The bound named when it is full; else it is the caller's own share that has no room (its
    // other bodies hold it), and the bound's words would tell it the server is full when it is not.
    const full = budget.inFlight() + bytes > budget.limit;
    return errors.busy(
      full ? bodiesBusyMessage(budget.limit) : callerBusyMessage(budget.perCaller),
    );
  };
  if (!budget.take(held, owner)) throw refused(held);
  let read = 0;
  const idle = idleGuard(request, idleTimeoutMs);
  try {
    const text = await readBoundedText(idle.request, maxBytes, (bytes) => {
      read += bytes;
      if (read <= held) return;
      // Over the body limit is a 413 whatever the budget holds: the body would be refused when
      // it fit (core cuts it off right after), and a 503 would tell the client to send it again.
      if (read > maxBytes) throw errors.tooLarge(bodyTooLargeMessage(maxBytes, undefined));
      // A body without a length (chunked), or longer than it said, reserves as it arrives.
      if (!budget.take(read - held, owner)) throw refused(read - held);
      held = read;
    });
    return parse(text);
  } catch (error) {
    if (idle.fired()) throw errors.timedOut(bodyIdleMessage(idleTimeoutMs));
    if (InvalidArgumentError.isInstance(error))
      throw error.argument === 'encoding'
        ? errors.notUtf8()
        : errors.tooLarge(bodyTooLargeMessage(maxBytes, undefined));
    throw error;
  } finally {
    idle.clear();
    budget.give(held, owner);
  }
}

/**
 * `request` with its body read through a guard that errors it after `idleTimeoutMs` without a
 * chunk (attack57b: a body declared and never sent held its share of the budget until Node's
 * `requestTimeout`, 300 s). One timer, refreshed at each chunk rather than one made per chunk;
 * started now (the read starts now) and cleared by `clear()` however the read ends. Erroring the
 * guard's stream makes `pipeThrough` cancel the request's own body, so the upload is dropped, not
 * left buffering. `fired()` tells the caller the read failed for this and not another reason.
 */
function idleGuard(
  request: Request,
  idleTimeoutMs: number,
): { request: Request; fired: () => boolean; clear: () => void } {
  const body = request.body;
  if (body === null) return { request, fired: () => false, clear: () => {} };
  let fired = false;
  let controller: TransformStreamDefaultController<Uint8Array> | undefined;
  const fire = () => {
    fired = true;
    controller?.error(new DOMException('The request body stopped arriving.', 'TimeoutError'));
  };
  let timer: unknown = setTimeout(fire, idleTimeoutMs);
  // Node's timer refreshes in place; Deno's and Workers' `setTimeout` gives a number (the doors
  // run there too), so there the timer is made again at each chunk.
  const refresh =
    typeof (timer as { refresh?: unknown }).refresh === 'function'
      ? () => (timer as { refresh: () => void }).refresh()
      : () => {
          clearTimeout(timer as number);
          timer = setTimeout(fire, idleTimeoutMs);
        };
  const guarded = body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      start(given) {
        controller = given;
      },
      transform(chunk, given) {
        refresh();
        given.enqueue(chunk);
      },
    }),
  );
  return {
    // The headers as sent (core reads `Content-Length` from them); `duplex` for a stream body.
    request: new Request(request.url, {
      method: 'POST',
      headers: request.headers,
      body: guarded,
      duplex: 'half',
    } as RequestInit),
    fired: () => fired,
    clear: () => clearTimeout(timer as number),
  };
}

/**
 * The words of a door's 408 for a body that stopped arriving: the seconds waited and the option
 * that sets them; nothing else of the server (not the bytes received). @internal
 */
export function bodyIdleMessage(idleTimeoutMs: number): string {
  const seconds = Math.round(idleTimeoutMs / 100) / 10;
  return `The request body stopped arriving: no byte of it came for ${seconds} s. Send the body without pausing, or have the server's bodyIdleTimeoutMs option raised.`;
}

/**
 * A `parse` for {@link readBoundedBody}: the text as JSON, `notJson()` (the door's 400) thrown for
 * text that is not. @internal
 */
export function parseJsonOr(notJson: () => Error): (text: string) => unknown {
  return (text) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw notJson();
    }
  };
}

/**
 * The seconds a door's 503 for a full {@link BodyBudget} asks a client to wait (`Retry-After`):
 * about how long a body of the default 32 MiB takes to arrive at 50 Mbit/s (5.4 s), so the bodies
 * being read then have likely ended; the `openai` SDK waits it before its own retry. @internal
 */
export const BODIES_BUSY_RETRY_AFTER_SECONDS = 5;

/**
 * The words of a door's 503 for a full {@link BodyBudget}: the bound and the option that raises
 * it, and when to come back; nothing else of the server (not how many bodies it is reading).
 * @internal
 */
export function bodiesBusyMessage(limit: number): string {
  return `The server is reading as many request bodies at once as it takes (this server's limit of ${limit} bytes${inMebibytes(limit)} in flight): retry after the time in Retry-After, or have the server's maxBodyBytesInFlight option raised.`;
}

/**
 * The words of a door's 503 for a caller past its share of the {@link BodyBudget}: the share and
 * the option that raises it; nothing else of the server (not what the caller or others hold).
 * @internal
 */
export function callerBusyMessage(perCaller: number): string {
  return `The server is reading as many request bodies of this caller at once as it takes from one caller (this server's limit of ${perCaller} bytes${inMebibytes(perCaller)} in flight per caller): retry after the time in Retry-After, or have the server's maxBodyBytesInFlightPerCaller option raised.`;
}

/**
 * The words of a door's 413: the size seen (the declared length, or "over" for a body cut off as
 * it was read), the limit, and the option that raises it, so a client sending a phone photo learns
 * what to change and the operator which setting; nothing else of the server. Each door puts it in
 * its protocol's error (OpenAI error object, JSON-RPC error, AG-UI `RUN_ERROR`-shaped body).
 * @internal
 */
export function bodyTooLargeMessage(maxBytes: number, declared: number | undefined): string {
  const limit = `this server's limit of ${maxBytes} bytes${inMebibytes(maxBytes)}`;
  const seen =
    declared === undefined
      ? `The request body is over ${limit}`
      : `The request body is ${declared} bytes${inMebibytes(declared)}, over ${limit}`;
  return `${seen}: send less (a smaller image or file, or fewer), or have the server's maxBodyBytes option raised.`;
}

/** " (N MiB)" for a size of at least 1 MiB, one decimal; "" below. */
function inMebibytes(bytes: number): string {
  if (bytes < 1024 * 1024) return '';
  const mebibytes = Math.round((bytes / (1024 * 1024)) * 10) / 10;
  return ` (${mebibytes} MiB)`;
}
