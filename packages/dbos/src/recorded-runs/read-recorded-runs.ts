import { DBOSClient } from '@dbos-inc/dbos-sdk';
import { InvalidArgumentError } from '@gemloop/core';
import { ChatStoreError } from '@gemloop/core/errors';
import { REDACTED_ARGUMENT } from '@gemloop/core/internal';
import type { RecordedRunLine } from '@gemloop/core/recorder';
import pg from 'pg';
import { isHistoryReference } from '../chat/history-reference.ts';
import { resolveHistoryReference } from '../chat/resolve-history-reference.ts';
import { EVENTS_STREAM_KEY, type RequestFrame } from '../durable/events/run-events.ts';
import { restoreLongStrings } from '../durable/events/shared-strings.ts';
import {
  CHILD_WORKFLOW,
  DEFAULT_APP_NAME,
  RUN_WORKFLOW,
} from '../durable/runs/durable-run-types.ts';
import { rebuildStoredContents } from '../durable/runs/stored-result-contents.ts';
import {
  headFromInput,
  headOf,
  isUnreadableValue,
  restoreStoredResult,
  storedArgument,
} from '../durable/runs/stored-run-data.ts';
import { checkPostgres, toUnreachableError } from '../errors/check-postgres.ts';
import { DurableChatHistoryError } from '../errors/durable-chat-history-error.ts';
import { DurableRunDataError } from '../errors/durable-run-data-error.ts';
import { type StoredRun, toRecordedRun } from './to-recorded-run.ts';

/** Options of {@link readRecordedRuns}. */
export type ReadRecordedRunsOptions = {
  /** The fleet's DBOS system database (`postgres://user:password@host:port/db`). */
  databaseUrl: string;
  /** The fleet's name in that database. @defaultValue `'gemloop'` */
  appName?: string | undefined;
  /** Only these runs (by id). @defaultValue every successful run */
  runIds?: readonly string[] | undefined;
  /** Only runs created at or after this time. */
  since?: Date | undefined;
  /** The most runs read, newest first. @defaultValue {@link DEFAULT_RECORDED_RUNS_LIMIT} */
  limit?: number | undefined;
};

/** One successful durable run as a recorded run (core's recorder format 1). */
export type DurableRecordedRun = {
  runId: string;
  agent: string | undefined;
  /** When the run was created (ms since the epoch). */
  createdAt: number;
  /** The lines a `.gemloop/runs/*.jsonl` file of the same run would hold (see `RecordedRunLine`). */
  lines: RecordedRunLine[];
  /**
   * Whether the run started subagents as child workflows. Their model calls are theirs, not in
   * `lines` (read only the top run's), so a replay of `lines` alone would serve the subagents the
   * top run's answers: `gemloop eval from-runs --database-url` skips such a run, saying so.
   */
  hasSubagents: boolean;
};

/** @defaultValue of {@link ReadRecordedRunsOptions.limit}. */
export const DEFAULT_RECORDED_RUNS_LIMIT = 1000;
/** The most runs one call reads; a larger `limit` is refused. */
export const MAX_RECORDED_RUNS = 10_000;
/** The most event-stream entries read per run while looking for its request frames. */
export const MAX_EVENT_ENTRIES_READ = 10_000;
/** Runs listed from Postgres at a time (ids and attributes; each input is loaded alone). */
const PAGE = 20;

/**
 * Reads a durable fleet's successful runs back as recorded runs, newest first: the same lines core's
 * recorder writes to `.gemloop/runs`, so `caseFromRunFile` of `@gemloop/evals` turns them into eval
 * cases (`gemloop eval from-runs --database-url`), with the tool results as fixtures and each
 * model call's request (rebuilt from the stored result and the request frames the worker wrote with
 * the run's events) to compare for drift. Runs that failed, were cancelled or are still running
 * are left out. Stored values are read as untrusted: a result of another shape is skipped. A
 * tool's `secretArguments` are `[redacted]` in the lines as the in-process recorder writes them
 * (the paths its stored `tool-call` events name), though the stored result holds them as sent.
 *
 * Reads Postgres only (a DBOS client), pages of 20 runs at a time.
 * @throws {@link PostgresUnreachableError} when Postgres cannot be reached (password redacted).
 * @throws {@link InvalidArgumentError} for a missing URL, a bad `limit` or `since`.
 * @example
 * ```ts
 * for await (const run of readRecordedRuns({ databaseUrl, limit: 50 })) {
 *   console.log(run.runId, run.lines.length);
 * }
 * ```
 */
export async function* readRecordedRuns({
  databaseUrl,
  appName = DEFAULT_APP_NAME,
  runIds,
  since,
  limit = DEFAULT_RECORDED_RUNS_LIMIT,
}: ReadRecordedRunsOptions): AsyncGenerator<DurableRecordedRun, void, undefined> {
  if (typeof databaseUrl !== 'string' || databaseUrl === '') {
    throw invalid('databaseUrl', 'databaseUrl must be a Postgres connection string.');
  }
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_RECORDED_RUNS) {
    throw invalid(
      'limit',
      `limit must be an integer from 1 to ${MAX_RECORDED_RUNS}, got ${limit}.`,
    );
  }
  if (since !== undefined && !(since instanceof Date && Number.isFinite(since.getTime()))) {
    throw invalid('since', 'since must be a valid Date.');
  }
  const purpose = 'the DBOS system database of the runs to read';
  await checkPostgres({ connectionString: databaseUrl, purpose });
  let client: DBOSClient;
  try {
    client = await DBOSClient.create({ systemDatabaseUrl: databaseUrl, applicationName: appName });
  } catch (error) {
    throw toUnreachableError(error, databaseUrl, purpose);
  }
  // For chat turns sent with historyByReference: their history is read from the chat store's
  // table in this database (one connection, opened only when such a run is read).
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  try {
    yield* readRecordedRunsWith(client, { runIds, since, limit }, pool);
  } finally {
    await client.destroy();
    await pool.end();
  }
}

/** The DBOS client calls {@link readRecordedRunsWith} makes. @internal */
export type RecordedRunsClient = Pick<DBOSClient, 'listWorkflows' | 'readStream'>;

/**
 * {@link readRecordedRuns} on a client (and `pool`, on the same database, for the chat turns whose
 * history is a reference to the chat store): pages of runs listed without their inputs or outputs,
 * then each run's input and output loaded alone, as the reader asks for it. A page of 20 loaded
 * with its inputs held 20 of up to `maxInputBytes` (100 MB by default) at once (leftovers33);
 * now one at a time. The agent is the run's `gemloop.agent` attribute, or for a run started
 * before gemloop wrote it, its input's first argument (the input is loaded for its lines anyway).
 * @internal
 */
export async function* readRecordedRunsWith(
  client: RecordedRunsClient,
  { runIds, since, limit }: Pick<ReadRecordedRunsOptions, 'runIds' | 'since'> & { limit: number },
  pool?: pg.Pool,
): AsyncGenerator<DurableRecordedRun, void, undefined> {
  let read = 0;
  for (let offset = 0; read < limit; offset += PAGE) {
    const page = await client.listWorkflows({
      workflowName: RUN_WORKFLOW,
      status: 'SUCCESS',
      ...(runIds === undefined ? {} : { workflowIDs: [...runIds] }),
      ...(since === undefined ? {} : { startTime: since.toISOString() }),
      sortDesc: true,
      limit: Math.min(PAGE, limit - read),
      offset,
      loadInput: false,
      loadOutput: false,
    });
    for (const listed of page) {
      read++;
      const [workflow] = await client.listWorkflows({
        workflowIDs: [listed.workflowID],
        loadInput: true,
        loadOutput: true,
      });
      // Deleted since the page was listed (garbage-collected): nothing to read.
      if (workflow === undefined) continue;
      const agent = (headOf(listed) ?? headFromInput(workflow, false)).agent;
      const input = await resolvedInput(storedArgument(workflow, 1), workflow.workflowID, pool);
      // A chat turn whose session was cleared since: its thread is gone, and with it what its
      // requests held; skipped, as a run whose output cannot be read is.
      if (input === CLEARED) continue;
      const stored: StoredRun = {
        runId: workflow.workflowID,
        agent,
        createdAt: workflow.createdAt,
        input,
        output: storedOutput(workflow.output, input),
        ...(await readStreamed(client, workflow.workflowID)),
      };
      const lines = toRecordedRun(stored);
      if (lines === undefined) continue;
      // A child workflow names its parent (DBOS's parentWorkflowID): one is enough to know.
      const children = await client.listWorkflows({
        workflowName: CHILD_WORKFLOW,
        parentWorkflowID: workflow.workflowID,
        limit: 1,
        loadInput: false,
        loadOutput: false,
      });
      yield {
        runId: stored.runId,
        agent: stored.agent,
        createdAt: stored.createdAt,
        lines,
        hasSubagents: children.length > 0,
      };
    }
    if (page.length < PAGE) return;
  }
}

/**
 * What the run's event entries carry for its recording: the request frames, one per call index (a
 * repeat keeps the first), and the secret argument paths of each tool, as its `tool-call` events'
 * `redactedArgs` name them (the stored result holds the arguments as the model sent them).
 */
async function readStreamed(
  client: RecordedRunsClient,
  runId: string,
): Promise<Pick<StoredRun, 'frames' | 'secrets'>> {
  const frames = new Map<number, RequestFrame>();
  const secrets = new Map<string, Set<string>>();
  let entries = 0;
  // The run is over: the read ends at the stream's close (or the run's end) without waiting.
  const stream = client.readStream<unknown>(runId, EVENTS_STREAM_KEY)[Symbol.asyncIterator]();
  while (true) {
    let next: IteratorResult<unknown>;
    try {
      next = await stream.next();
    } catch (error) {
      // An entry DBOS cannot parse (edited, cut short): named, its text not quoted (attack24).
      if (!isUnreadableValue(error)) throw error;
      throw new DurableRunDataError({
        runId,
        row: 'events',
        entry: entries,
        problem: 'is not JSON',
      });
    }
    if (next.done === true) break;
    const entry = next.value;
    if (++entries > MAX_EVENT_ENTRIES_READ) {
      await stream.return?.();
      break;
    }
    const { requests, events, sharedStrings } = (entry ?? {}) as {
      requests?: unknown;
      events?: unknown;
      sharedStrings?: unknown;
    };
    // Its long strings put back where they were (a forged place leaves them out).
    if (Array.isArray(events) && sharedStrings !== undefined)
      restoreLongStrings(events, sharedStrings);
    if (Array.isArray(events)) {
      for (const event of events as unknown[]) collectSecretPaths(event, secrets);
    }
    if (!Array.isArray(requests)) continue;
    for (const frame of requests as unknown[]) {
      if (!isFrame(frame) || frames.has(frame.call)) continue;
      frames.set(frame.call, frame);
    }
  }
  return { frames, secrets };
}

/** The most secret paths kept of one tool; past it every argument of the tool is secret. */
const MAX_SECRET_PATHS = 100;
/** How deep a `redactedArgs` is walked (the redactor's own bound on a path). */
const MAX_SECRET_DEPTH = 32;

/**
 * Adds the paths a `tool-call` event's `redactedArgs` shows as `[redacted]` to its tool's. A key
 * a path cannot name (empty, or holding a `.`), too deep a value, or too many paths make the
 * level `*` (every key): a secret is never left out because its path could not be written.
 */
function collectSecretPaths(event: unknown, secrets: Map<string, Set<string>>): void {
  const { type, toolName, redactedArgs } = (event ?? {}) as Record<string, unknown>;
  if (type !== 'tool-call' || typeof toolName !== 'string') return;
  if (typeof redactedArgs !== 'object' || redactedArgs === null) return;
  let paths = secrets.get(toolName);
  if (paths === undefined) {
    paths = new Set();
    secrets.set(toolName, paths);
  }
  const found = paths;
  const walk = (value: unknown, prefix: readonly string[]): void => {
    if (typeof value !== 'object' || value === null) return;
    for (const [key, child] of Object.entries(value)) {
      const nameable = key !== '' && !key.includes('.') && key !== '*';
      const path = [...prefix, nameable ? key : '*'];
      if (child === REDACTED_ARGUMENT || path.length >= MAX_SECRET_DEPTH) {
        found.add(path.join('.'));
      } else if (typeof child === 'object' && child !== null) {
        walk(child, path);
      }
      if (found.size > MAX_SECRET_PATHS) {
        found.clear();
        found.add('*');
        return;
      }
    }
  };
  walk(redactedArgs, []);
}

function isFrame(value: unknown): value is RequestFrame {
  if (typeof value !== 'object' || value === null) return false;
  const frame = value as Partial<RequestFrame>;
  return (
    Number.isInteger(frame.call) &&
    (frame.call as number) >= 0 &&
    Number.isInteger(frame.contents) &&
    (frame.contents as number) >= 0 &&
    (frame.body === undefined ||
      (typeof frame.body === 'object' && frame.body !== null && !Array.isArray(frame.body)))
  );
}

function invalid(argument: string, message: string): InvalidArgumentError {
  return new InvalidArgumentError({ argument, message: `readRecordedRuns: ${message}` });
}

// why (sentinel): compared by identity inside this module, carries nothing.
/** {@link resolvedInput}'s mark of a chat turn whose referenced history is gone or unreadable. */
const CLEARED: unique symbol = Symbol('cleared');

/**
 * A run's input with a history by reference (`historyByReference`) replaced by the history it
 * stands for, read from the chat store as the worker read it; any other input as it is.
 */
async function resolvedInput(
  input: unknown,
  runId: string,
  pool: pg.Pool | undefined,
): Promise<unknown> {
  const history = (input as { history?: unknown } | null | undefined)?.history;
  if (!isHistoryReference(history)) return input;
  if (pool === undefined) return CLEARED;
  try {
    return { ...(input as object), history: await resolveHistoryReference(pool, history, runId) };
  } catch (error) {
    // A session id Postgres cannot hold is refused as an argument: no turns to read either. A
    // ChatStoreError is the session's rows (or the named table) read as no turns: a property of
    // that one session, which stopped the read for the whole fleet (attack57b). A database that
    // fails is not caught here: it is not one session's.
    if (
      DurableChatHistoryError.isInstance(error) ||
      InvalidArgumentError.isInstance(error) ||
      ChatStoreError.isInstance(error)
    )
      return CLEARED;
    throw error;
  }
}

/**
 * A run's stored output with its shared strings put back (`restoreStoredResult`) and its
 * `contents` rebuilt from its input's history when the worker left them out
 * (stored-result-contents.ts); one that cannot be read as a result is left as it is, for
 * `toRecordedRun` to skip.
 */
function storedOutput(output: unknown, input: unknown): unknown {
  if (typeof output !== 'object' || output === null || Array.isArray(output)) return output;
  if (restoreStoredResult(output) !== undefined) return undefined;
  const history = (input as { history?: unknown } | null | undefined)?.history;
  return rebuildStoredContents(output, history) === undefined ? output : undefined;
}
