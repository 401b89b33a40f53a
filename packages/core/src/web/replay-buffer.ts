import {
  checkedWhereUsed,
  checkOptionsCopy,
  type DeclaredOptions,
  defineOptions,
  functionOption,
} from '../options/define-options.ts';
import { positiveOption, timerOption } from '../options/positive-option.ts';
import { versionRegistry } from '../version.ts';
import type { BrowserRun, RetainLimits } from './browser-run.ts';
import { checkOwnerOption, isRunOwner, type RunOwner } from './run-owner.ts';
import { EVENT_STREAM_HEADERS } from './sse-frame.ts';

/** Options of {@link createReplayBuffer}. */
export type ReplayBufferOptions = {
  /**
   * Runs kept at once; past it one is forgotten (its page can no longer resume): the oldest that
   * ended, else the oldest of the owner holding the most runs. Default 1000.
   */
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
 * What a page's Stop sends (`1`), with {@link RUN_ID_HEADER}, to the route that started the run:
 * the run is stopped at once instead of waiting `reconnectWindowMs` for a resume that will not
 * come (`@gemloop/client` sends it when the `start` event says `cancellable`).
 */
export const CANCEL_HEADER = 'gemloop-cancel';

/** Who asks to reach a run the buffer holds. */
export type ReplayAccessOptions = {
  /**
   * The caller's owner (from your session), as the run was served with (`owner` of
   * `toEventStreamResponse`). A run of another owner is answered as an unknown one.
   */
  owner?: RunOwner | undefined;
};

/**
 * An in-process buffer of the runs served to pages, so that a page whose connection broke resumes
 * from the event after its `Last-Event-ID` instead of starting over. Bounded per run and in
 * number of runs, with a TTL after a run ends; one process only (behind a load balancer, route a
 * run's reconnects to the same process, or serve a durable run's events from its store).
 */
export type ReplayBuffer = {
  /**
   * The response to a request that continues a run, `undefined` for one that starts a run.
   *
   * - Resuming (a `Gemloop-Run-Id` and a `Last-Event-ID` header): the events after that id, then
   *   the live ones. `410 Gone` when the run is unknown, expired, no longer holds every event after
   *   that id, never sent that id, or is not the caller's (`owner`): the page should start over.
   * - Cancelling (a `Gemloop-Run-Id` and `Gemloop-Cancel: 1`, a page's Stop): the run is aborted
   *   at once (`finish` `aborted`), `204`; `404` when the buffer holds no such run of the caller's.
   */
  resume(
    request: { headers: Headers | Record<string, string | string[] | undefined> },
    options?: ReplayAccessOptions,
  ): Response | undefined;
  /**
   * Stops a held run at once (`finish` `aborted`, quietly), for a door that cancels by id.
   * Returns `false` when the buffer holds no run with that id for this `owner`; `true` when it
   * does (also when the run had ended already).
   */
  cancel(runId: string, options?: ReplayAccessOptions): boolean;
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

// why (kept): the user hands the public buffer to `toEventStreamResponse`, which needs
// its internals; a property on the public object is what CONTRIBUTING rules out.
// Shared by the copies of this version (see `versionRegistry`): @gemloop/serve on a core of its
// own is handed the app's.
const internals = versionRegistry<ReplayBuffer, ReplayBufferInternals>('replay-buffer');

/** The internals of a buffer `createReplayBuffer` made. @internal */
export function replayBufferInternals(buffer: unknown): ReplayBufferInternals | undefined {
  return typeof buffer === 'object' && buffer !== null
    ? internals.get(buffer as ReplayBuffer)
    : undefined;
}

// Unknown keys refused (a misspelt `maxRun` kept the default 1000 without a word, attack13); each
// bound is checked where it is read (positiveOption).
const replayBufferOptions: DeclaredOptions<ReplayBufferOptions> =
  defineOptions<ReplayBufferOptions>({
    name: 'createReplayBuffer',
    example: '{ maxRuns: 100 }',
    checks: {
      maxRuns: checkedWhereUsed,
      maxEventsPerRun: checkedWhereUsed,
      maxBytesPerRun: checkedWhereUsed,
      ttlMs: checkedWhereUsed,
      reconnectWindowMs: checkedWhereUsed,
      now: functionOption(),
    },
  });

/**
 * Creates a {@link ReplayBuffer}; pass it as `replay` to `toEventStreamResponse` or
 * `writeEventStream`.
 * @throws {@link InvalidArgumentError} for a limit that is not a positive number.
 */
export function createReplayBuffer(given: ReplayBufferOptions = {}): ReplayBuffer {
  // Each option read once (attack20): a `now` getter gave the check a clock and the sweep a string.
  const options = checkOptionsCopy(replayBufferOptions, given);
  const maxRuns = positiveOption(options.maxRuns, 1000, 'maxRuns');
  const retain: RetainLimits = {
    maxEvents: positiveOption(options.maxEventsPerRun, 10_000, 'maxEventsPerRun'),
    maxBytes: positiveOption(options.maxBytesPerRun, 4 * 1024 * 1024, 'maxBytesPerRun'),
  };
  const ttlMs = timerOption(options.ttlMs, 60_000, 'ttlMs');
  const reconnectWindowMs = timerOption(options.reconnectWindowMs, 10_000, 'reconnectWindowMs');
  const now = options.now ?? Date.now;
  const runs = new Map<string, { run: BrowserRun; endedAt: number | undefined }>();

  const sweep = (): void => {
    const time = now();
    for (const [id, entry] of runs) {
      if (entry.run.ended) entry.endedAt ??= time;
      if (entry.endedAt !== undefined && time - entry.endedAt >= ttlMs) runs.delete(id);
    }
  };

  /** The held run with this id, if the caller may reach it ({@link isRunOwner}). */
  const reach = (
    runId: string,
    options: ReplayAccessOptions | undefined,
  ): BrowserRun | undefined => {
    const caller = checkOwnerOption(options?.owner, 'owner');
    sweep();
    const run = runs.get(runId)?.run;
    return run !== undefined && isRunOwner(run.owner, caller) ? run : undefined;
  };

  const buffer: ReplayBuffer = {
    resume(request, options) {
      const runId = header(request.headers, RUN_ID_HEADER);
      if (runId !== undefined && header(request.headers, CANCEL_HEADER) !== undefined) {
        return buffer.cancel(runId, options)
          ? new Response(null, { status: 204 })
          : Response.json({ error: 'No run with this id is going.' }, { status: 404 });
      }
      const lastId = header(request.headers, 'last-event-id');
      if (runId === undefined || lastId === undefined) return undefined;
      const run = reach(runId, options);
      const seq = /^\d{1,15}$/.test(lastId) ? Number(lastId) : Number.NaN;
      // A run of another owner gets the unknown run's answer, word for word.
      const stream = Number.isNaN(seq) ? undefined : run?.open(seq);
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
    cancel(runId, options) {
      const run = typeof runId === 'string' ? reach(runId, options) : undefined;
      run?.cancel();
      return run !== undefined;
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
      while (runs.size > maxRuns) runs.delete(evicted(runs));
    },
  });
  return buffer;
}

/**
 * The run to forget past `maxRuns`: the oldest that ended (a Map keeps insertion order), else the
 * oldest of the owner holding the most runs. Oldest of all let one user who starts runs past the
 * bound push every other user's running run out: their pages could no longer resume (410) or
 * stop it (404). Runs without an owner count as one owner.
 */
function evicted(runs: ReadonlyMap<string, { run: BrowserRun; endedAt: number | undefined }>) {
  const counts = new Map<unknown, number>();
  for (const [id, entry] of runs) {
    if (entry.endedAt !== undefined || entry.run.ended) return id;
    counts.set(entry.run.owner, (counts.get(entry.run.owner) ?? 0) + 1);
  }
  let most: unknown;
  let held = 0;
  for (const [owner, count] of counts) {
    if (count > held) [most, held] = [owner, count];
  }
  for (const [id, entry] of runs) if (entry.run.owner === most) return id;
  return runs.keys().next().value as string;
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
