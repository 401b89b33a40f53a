import net from 'node:net';

/** What {@link createCriticalPathProbe} found, in microseconds. */
export type CriticalPathSummary = {
  /** Steps counted (every request but the first of a run). */
  steps: number;
  /**
   * The client's critical path per step: from the last piece of a response read off the socket to
   * the next request written to it. Everything the client does between two model calls (parse,
   * check, tools, bookkeeping, building and sending the next request) is in it.
   */
  client: Percentiles;
  /**
   * From a request written to the first piece of its response read: the server, the network and
   * whatever the client still did after writing (it reads only once it is idle again).
   */
  waiting: Percentiles;
  /** From the start of a run to its first request written (the run's own set-up). */
  runStart: Percentiles;
};

/** Median and mean, with the 90th percentile for the tail. */
export type Percentiles = { median: number; mean: number; p90: number };

/**
 * Counts, from socket reads and writes, where a sequential loop's time goes: the client's part of
 * each step and the wait for the server. Fed by {@link installSocketProbe} (or by hand in tests):
 * times in milliseconds, as `performance.now()` gives them.
 */
export function createCriticalPathProbe() {
  const client: number[] = [];
  const waiting: number[] = [];
  const runStart: number[] = [];
  let lastRead = Number.NaN;
  let sent = false;
  let runStartedAt = Number.NaN;
  let lastWriteAt = Number.NaN;
  let recording = false;
  return {
    /** Turns counting on or off (off during the warm-up). */
    record(on: boolean): void {
      recording = on;
    },
    /** A run is about to start. */
    startRun(now: number): void {
      runStartedAt = now;
      lastRead = Number.NaN;
      sent = false;
    },
    /** A piece of a response was read. */
    onRead(now: number): void {
      if (sent) {
        if (recording) waiting.push((now - lastWriteAt) * 1000);
        sent = false;
      }
      lastRead = now;
    },
    /** A request was written (a write while a request is outstanding is a part of it). */
    onWrite(now: number): void {
      if (sent) return;
      if (recording) {
        if (!Number.isNaN(lastRead)) client.push((now - lastRead) * 1000);
        else if (!Number.isNaN(runStartedAt)) runStart.push((now - runStartedAt) * 1000);
      }
      runStartedAt = Number.NaN;
      lastWriteAt = now;
      sent = true;
    },
    summary(): CriticalPathSummary {
      return {
        steps: client.length,
        client: percentiles(client),
        waiting: percentiles(waiting),
        runStart: percentiles(runStart),
      };
    },
  };
}
/** A probe made by {@link createCriticalPathProbe}. */
export type CriticalPathProbe = ReturnType<typeof createCriticalPathProbe>;

function percentiles(values: readonly number[]): Percentiles {
  if (values.length === 0) return { median: Number.NaN, mean: Number.NaN, p90: Number.NaN };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
  return {
    median: at(0.5),
    mean: sorted.reduce((sum, value) => sum + value, 0) / sorted.length,
    p90: at(0.9),
  };
}

/**
 * Feeds `probe` from every `net.Socket` of this process: a read is a chunk pushed into a socket's
 * readable side, a write a call of its `_write` or `_writev`. It costs the same small amount per
 * read and write to every contender, so it is run apart from the timed bench scenarios.
 */
export function installSocketProbe(probe: CriticalPathProbe): void {
  const prototype = net.Socket.prototype as unknown as Record<
    string,
    (...args: unknown[]) => unknown
  >;
  const push = prototype['push'] as (...args: unknown[]) => unknown;
  prototype['push'] = function (this: unknown, chunk: unknown, ...rest: unknown[]) {
    if (chunk !== null) probe.onRead(performance.now());
    return push.call(this, chunk, ...rest);
  };
  for (const method of ['_write', '_writev']) {
    const original = prototype[method] as (...args: unknown[]) => unknown;
    prototype[method] = function (this: unknown, ...args: unknown[]) {
      probe.onWrite(performance.now());
      return original.apply(this, args);
    };
  }
}
