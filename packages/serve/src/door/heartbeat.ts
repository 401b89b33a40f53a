import { InvalidArgumentError } from '@gemloop/core/errors';
import { describeValue, MAX_TIMER_MS } from '@gemloop/core/internal';

/**
 * The doors' heartbeat default: a comment every 15 s of silence, under the idle timeouts of the
 * proxies a door sits behind (nginx's `proxy_read_timeout` and AWS ALB's 60 s, Cloudflare's 100
 * s). Declared once. @internal
 */
export const DEFAULT_HEARTBEAT_MS = 15_000;

/** The option each HTTP door takes for it (declared once, intersected into each door's options). */
export type DoorHeartbeatOptions = {
  /**
   * Milliseconds of silence on an event stream after which the door sends a comment line
   * (`: ping`), and again after each as long, until the next event: a long tool call then keeps
   * the connection alive through a proxy's idle timeout (nginx and AWS ALB cut a quiet stream
   * after 60 s, Cloudflare after 100 s), which the door would take for a client gone and stop the
   * run. Every conforming SSE parser skips a comment (the `openai` client, `@ag-ui/client`,
   * `@a2a-js/sdk`, the MCP SDK's `eventsource-parser`). Nothing extra while events flow; an AG-UI
   * stream in protobuf gets none (its frames have no comment); MCP over HTTP hands it to the SDK's
   * own keep-alive (`keepAliveMs`: a `: keepalive` at each interval). `0` or `false`: none.
   * @defaultValue 15000
   */
  heartbeatMs?: number | false | undefined;
};

/** `heartbeatMs` checked: the interval in ms, 0 for none. @internal */
export function heartbeatOption(value: number | false | undefined, name = 'heartbeatMs'): number {
  if (value === undefined) return DEFAULT_HEARTBEAT_MS;
  if (value === false) return 0;
  // Above setTimeout's limit a timer fires at once (Node sets it to 1 ms): a heartbeat of 3e9
  // re-armed itself every millisecond for the stream's life, sending nothing.
  if (!Number.isSafeInteger(value) || value < 0 || value > MAX_TIMER_MS) {
    throw new InvalidArgumentError({
      argument: name,
      message: `${name} must be a whole number of milliseconds up to ${MAX_TIMER_MS} (0 or false for no heartbeat); got ${describeValue(value)}.`,
    });
  }
  return value;
}

/** The comment a heartbeat sends: every SSE parser skips it, a proxy sees bytes. @internal */
export const HEARTBEAT_FRAME: Uint8Array = new TextEncoder().encode(': ping\n\n');

/** A stream's heartbeat: told of each frame written, stopped with the stream. @internal */
export type Heartbeat = {
  /** A frame went out: the silence counts from now. */
  wrote(): void;
  /** No more comments (the stream ended, failed or its client left); clears the timer. */
  stop(): void;
};

const NO_HEARTBEAT: Heartbeat = { wrote: () => {}, stop: () => {} };

/**
 * Sends `ping` after each `everyMs` of silence. One timer, re-armed when it fires (not at each
 * frame: a stream of thousands of deltas costs a clock read each), so a busy stream gets no
 * comment and a quiet one gets its first `everyMs` after its last frame. @internal
 */
export function startHeartbeat(options: {
  everyMs: number;
  ping: () => void;
  now?: (() => number) | undefined;
}): Heartbeat {
  const { everyMs, ping, now = Date.now } = options;
  if (everyMs <= 0) return NO_HEARTBEAT;
  let last = now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = (delay: number) => {
    timer = setTimeout(tick, delay);
    // A quiet stream must not hold the process open on its own.
    timer.unref?.();
  };
  const tick = () => {
    const quiet = now() - last;
    if (quiet >= everyMs) {
      ping();
      last = now();
      if (timer !== undefined) arm(everyMs);
    } else if (timer !== undefined) {
      arm(everyMs - quiet);
    }
  };
  arm(everyMs);
  return {
    wrote() {
      last = now();
    },
    stop() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
