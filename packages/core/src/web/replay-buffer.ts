import type { BrowserRun, RetainLimits } from './browser-run.ts';
import { positiveOption } from './positive-option.ts';
import { EVENT_STREAM_HEADERS } from './sse-frame.ts';

/** Options of {@link createReplayBuffer}. */
export type ReplayBufferOptions = {
  /** Runs kept at once; past it the oldest is forgotten (its page can no longer resume). Default 1000. */
  maxRuns?: number | undefined;
  /**
   * Events kept per run; past it the oldest are dropped. Default 10,000. A page with more than
   * half of this (or of `maxBytesPerRun`) unread is dropped (its body ends before `finish`) and
   * resumes from the buffer, so a page that stops reading holds no second copy of the run.
   */
  maxEventsPerRun?: number | undefined;
  /** Bytes (UTF-8) of frames kept per run; past it the oldest are dropped. Default 4 MB. */
  maxBytesPerRun?: number | undefined;
  /** How long an ended run stays resumable. Default 60 s. */
  ttlMs?: number | undefined;
  /**
   * How long a run whose page went away goes on, waiting for the page to come back, before it is
   * aborted. Default 10 s.
   */
  reconnectWindowMs?: number | undefined;
  /** The clock of the TTL (tests). Default `Date.now`. */
  now?: (() => number) | undefined;
};

/** What a request that resumes carries (`@gemloop/client` sends both). */
export const RUN_ID_HEADER = 'gemloop-run-id';

/**
 * An in-process buffer of the runs served to pages, so that a page whose connection broke resumes
 * from the event after its `Last-Event-ID` instead of starting over. Bounded per run and in
 * number of runs, with a TTL after a run ends; one process only (behind a load balancer, route a
 * run's reconnects to the same process, or serve a durable run's events from its store).
 */
export type ReplayBuffer = {
  /**
   * The response to a resuming request (one with a `Gemloop-Run-Id` and a `Last-Event-ID`
   * header): the events after that id, then the live ones. `undefined` for a request that does
   * not resume (start a run). `410 Gone` when the run is unknown, expired, no longer holds every
   * event after that id, or never sent that id (the page should start over).
   */
  resume(request: {
    headers: Headers | Record<string, string | string[] | undefined>;
  }): Response | undefined;
  /** Runs held now. */
  readonly size: number;
};

/** The buffer's side the helpers use. @internal */
export type ReplayBufferInternals = {
  retain: RetainLimits;
  reconnectWindowMs: number;
  /** Whether a run with this id is held (a second one would take its pages' resumes). */
  holds(runId: string): boolean;
  add(run: BrowserRun): void;
};

const internals = new WeakMap<ReplayBuffer, ReplayBufferInternals>();

/** The internals of a buffer `createReplayBuffer` made. @internal */
export function replayBufferInternals(buffer: unknown): ReplayBufferInternals | undefined {
  return typeof buffer === 'object' && buffer !== null
    ? internals.get(buffer as ReplayBuffer)
    : undefined;
}

/**
 * Creates a {@link ReplayBuffer}; pass it as `replay` to `toEventStreamResponse` or
 * `writeEventStream`.
 * @throws {@link InvalidArgumentError} for a limit that is not a positive number.
 */
export function createReplayBuffer(options: ReplayBufferOptions = {}): ReplayBuffer {
  const maxRuns = positiveOption(options.maxRuns, 1000, 'maxRuns');
  const retain: RetainLimits = {
    maxEvents: positiveOption(options.maxEventsPerRun, 10_000, 'maxEventsPerRun'),
    maxBytes: positiveOption(options.maxBytesPerRun, 4 * 1024 * 1024, 'maxBytesPerRun'),
  };
  const ttlMs = positiveOption(options.ttlMs, 60_000, 'ttlMs');
  const reconnectWindowMs = positiveOption(options.reconnectWindowMs, 10_000, 'reconnectWindowMs');
  const now = options.now ?? Date.now;
  const runs = new Map<string, { run: BrowserRun; endedAt: number | undefined }>();

  const sweep = (): void => {
    const time = now();
    for (const [id, entry] of runs) {
      if (entry.run.ended) entry.endedAt ??= time;
      if (entry.endedAt !== undefined && time - entry.endedAt >= ttlMs) runs.delete(id);
    }
  };

  const buffer: ReplayBuffer = {
    resume(request) {
      const runId = header(request.headers, RUN_ID_HEADER);
      const lastId = header(request.headers, 'last-event-id');
      if (runId === undefined || lastId === undefined) return undefined;
      sweep();
      const seq = /^\d{1,15}$/.test(lastId) ? Number(lastId) : Number.NaN;
      const stream = Number.isNaN(seq) ? undefined : runs.get(runId)?.run.open(seq);
      if (stream === undefined) {
        return Response.json(
          {
            error: `Run ${runId.slice(0, 64)} cannot be resumed from event ${lastId.slice(0, 20)}: it is unknown, expired, or no longer holds every later event. Start it again.`,
          },
          { status: 410 },
        );
      }
      return new Response(stream, { status: 200, headers: EVENT_STREAM_HEADERS });
    },
    get size() {
      sweep();
      return runs.size;
    },
  };
  internals.set(buffer, {
    retain,
    reconnectWindowMs,
    holds(runId) {
      sweep();
      return runs.has(runId);
    },
    add(run) {
      sweep();
      runs.set(run.runId, { run, endedAt: undefined });
      // Oldest first (a Map keeps insertion order): forget the oldest run past the limit.
      while (runs.size > maxRuns) runs.delete(runs.keys().next().value as string);
    },
  });
  return buffer;
}

function header(
  headers: Headers | Record<string, string | string[] | undefined>,
  name: string,
): string | undefined {
  if (typeof (headers as Headers).get === 'function') {
    return (headers as Headers).get(name) ?? undefined;
  }
  const value = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(value) ? value[0] : value;
}
