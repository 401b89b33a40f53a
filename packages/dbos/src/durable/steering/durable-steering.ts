import { InvalidArgumentError } from '@gemloop/core';
import { STEERING_TOPIC, type SteeringMessage } from '@gemloop/core/steering';
import type pg from 'pg';
import { whyUnstorable } from '../runs/run-input-limit.ts';
import type { SteerAnnouncements } from './steer-announcements.ts';

/**
 * The DBOS message topic of a run's steering messages: core's steering plugin reads it through
 * the runner's receive service (durable-run-messages.ts). @internal
 */
export const STEER_TOPIC: string = STEERING_TOPIC;

/**
 * The largest steering message `runs.steer()` sends, as JSON: a message is a row in the DBOS
 * system database that every replay of the run reads back, not a file upload.
 */
export const MAX_DURABLE_STEER_BYTES: number = 256 * 1024;

/** Options of `runs.steer()`. */
export type DurableSteerOptions = {
  /**
   * `steer`: the message joins the history at the run's next step boundary; `queue`: after the
   * current answer (the run goes on with it).
   * @defaultValue `'steer'`
   */
  mode?: 'steer' | 'queue' | undefined;
  /**
   * DBOS's idempotency key of the send: a second `steer()` with the same key sends nothing (a
   * caller retrying after a network error does not steer twice).
   * @defaultValue a random UUID
   */
  idempotencyKey?: string | undefined;
};

/** Options of `runs.send()`. */
export type DurableSendOptions = {
  /**
   * DBOS's idempotency key of the send: a second `send()` with the same key sends nothing (a
   * caller retrying after a network error does not send twice).
   * @defaultValue a random UUID
   */
  idempotencyKey?: string | undefined;
};

/** What a steering message is on the wire of DBOS messages. @internal */
export type DurableSteer = { mode: 'steer' | 'queue'; message: SteeringMessage };

/**
 * Checks what `runs.steer()` was given and makes the message it sends.
 * @throws {@link InvalidArgumentError} for an empty or oversized message, or a wrong mode.
 * @internal
 */
export function toDurableSteer(message: unknown, mode: unknown): DurableSteer {
  if (mode !== undefined && mode !== 'steer' && mode !== 'queue') {
    throw new InvalidArgumentError({
      argument: 'options.mode',
      message: `steer: mode must be 'steer' or 'queue'; got ${JSON.stringify(mode) ?? String(mode)}.`,
    });
  }
  // Read once, as the JSON it is sent as: a Proxy trap, a getter or `toJSON` of the caller's that
  // throws, a BigInt or a cycle is refused typed, never its own words (before, they left
  // steer() as thrown: attack60c); what is measured is what the run receives.
  let valid = false;
  let json: string | undefined;
  try {
    valid =
      (typeof message === 'string' && message.trim() !== '') ||
      (Array.isArray(message) &&
        message.length > 0 &&
        message.every((part) => typeof part === 'object' && part !== null && !Array.isArray(part)));
    if (valid) json = JSON.stringify(message);
  } catch (error) {
    throw new InvalidArgumentError({
      argument: 'message',
      message: `steer: the message cannot be sent as JSON: ${whyUnstorable(error)}. Pass plain data (a text, or parts as read from JSON).`,
    });
  }
  if (!valid || json === undefined) {
    throw new InvalidArgumentError({
      argument: 'message',
      message:
        "steer: the message must be a non-empty text or a non-empty array of parts, e.g. runs.steer(runId, 'Use metric units.').",
    });
  }
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes > MAX_DURABLE_STEER_BYTES) {
    throw new InvalidArgumentError({
      argument: 'message',
      message: `steer: the message is ${bytes} bytes of JSON, over the ${MAX_DURABLE_STEER_BYTES} a durable steer may carry; send a file reference (fileData) instead of inline bytes.`,
    });
  }
  return { mode: mode ?? 'steer', message: JSON.parse(json) as SteeringMessage };
}

/**
 * Whether a run's next step boundary reads its messages (issue 35: a `DBOS.recv` at every
 * boundary cost each step of every run two transactions and a checkpoint, sent a message or
 * not), for each topic the run's plugins read (`run.receive(topic)`; steering's is
 * {@link STEER_TOPIC}): a run whose plugins never receive reads nothing.
 *
 * The decision must be the same in a replay as in the first execution: a boundary that read
 * messages is a recorded operation of the workflow, and a replay that skips it, or reads where
 * the first execution did not, meets another step at that place and fails. So it is taken from
 * recorded steps only: each model step and tool step looks, at the end of its body, whether a
 * message waits for the run on a topic it reads ({@link SteerWatch.probe}) and records the answer
 * with its outcome; after the step (run live or replayed from its record) {@link SteerWatch.note}
 * marks those topics so the next boundary reads them. Looking is free: the worker hears DBOS's
 * NOTIFY of every message (`steer-announcements.ts`); only the first live step of an execution in
 * a process, or the first after that LISTEN connection was replaced, reads DBOS's
 * `notifications` (one indexed SELECT, no transaction, no write), for a message sent while nobody
 * listened. A topic's first receive in a run always reads (no step looked for it before), and so
 * does a boundary after a step recorded by an older version, whose outcome has no answer. The
 * topics a run reads are learnt from its receives, which a replay makes in the same order.
 * @internal
 */
export type SteerWatch = {
  /**
   * Inside a live step body: whether an unread message waits for the run on a topic it reads.
   * A failed read answers `true` (the boundary's `DBOS.recv` then reads, and reports a real
   * database error itself).
   */
  probe(): Promise<boolean>;
  /** After a step, live or replayed: its recorded answer (`undefined`: recorded without one). */
  note(waiting: boolean | undefined): void;
  /** A boundary is about to read the run's `topic`: what was announced so far is read now. */
  reading(topic: string): void;
};

/**
 * Per run executing in this process: for each topic its plugins read, whether its next boundary
 * reads it (absent: never read yet, so it does), and the LISTEN connection (its generation) since
 * which this execution has missed no announcement.
 * @internal
 */
export type SteerCheck = { topics: Map<string, boolean>; listenedFrom?: number | undefined };

/** A run's check: each topic's first receive reads. @internal */
export function createSteerCheck(): SteerCheck {
  return { topics: new Map() };
}

/**
 * The {@link SteerWatch} of whichever run the calling code runs in (`runIdOf()`, DBOS's workflow
 * id), with `checkOf()` its execution's state; outside a run it does nothing.
 * @internal
 */
export function createSteerWatch({
  pool,
  checkOf,
  runIdOf,
  announcements,
  schema = 'dbos',
}: {
  pool: pg.Pool;
  /**
   * The check of the execution whose code is running (worker-run-events.ts), if it has one: per
   * execution, not per run, as two executions of a run resumed twice each read their own.
   */
  checkOf: () => SteerCheck | undefined;
  runIdOf: () => string | undefined;
  /** Without: every look is a read of the database. */
  announcements?: SteerAnnouncements | undefined;
  schema?: string | undefined;
}): SteerWatch {
  const read = async (runId: string, topics: readonly string[]): Promise<boolean> => {
    try {
      // DBOS's own read of an unread message (`recv`, system_database.js in 5.3), without its
      // cancellation check, its transaction or its checkpoint.
      const { rows } = await pool.query<{ waiting: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM "${schema}".notifications
             WHERE destination_uuid = $1 AND topic = ANY($2::text[]) AND consumed = false) AS waiting`,
        [runId, topics],
      );
      return rows[0]?.waiting === true;
    } catch {
      return true;
    }
  };
  return {
    async probe() {
      const runId = runIdOf();
      if (runId === undefined) return false;
      const check = checkOf();
      // A run that reads no topic (a subagent's child workflow, whose plugins receive nothing, or
      // a run whose plugins never called receive): nothing to look for.
      if (check === undefined || check.topics.size === 0) return false;
      const topics = [...check.topics.keys()];
      if (announcements === undefined) return read(runId, topics);
      const generation = announcements.generation();
      if (generation !== undefined && check.listenedFrom === generation) {
        return announcements.has(runId, topics);
      }
      // Not heard since this connection began: the LISTEN first, then the read, so a message
      // committed after the read is announced on it.
      const listening = await announcements.listening();
      const waiting = await read(runId, topics);
      if (listening !== undefined) check.listenedFrom = listening;
      return waiting || announcements.has(runId, topics);
    },
    reading(topic) {
      const runId = runIdOf();
      if (runId !== undefined) announcements?.clear(runId, topic);
    },
    note(waiting) {
      const check = runIdOf() === undefined ? undefined : checkOf();
      if (check === undefined || waiting === false) return;
      for (const topic of check.topics.keys()) check.topics.set(topic, true);
    },
  };
}
