import { DBOS } from '@dbos-inc/dbos-sdk';
import { InvalidArgumentError } from '@gemloop/core';
import {
  createSteering,
  type ReceivedSteer,
  type Steering,
  type SteeringMessage,
} from '@gemloop/core/steering';
import type pg from 'pg';
import type { SteerAnnouncements } from './steer-announcements.ts';

/** The DBOS message topic of a run's steering messages. @internal */
export const STEER_TOPIC = 'gemloop.steer';

/**
 * The largest steering message `runs.steer()` sends, as JSON: a message is a row in the DBOS
 * system database that every replay of the run reads back, not a file upload.
 */
export const MAX_DURABLE_STEER_BYTES: number = 256 * 1024;

/** The most messages one step boundary reads from the topic; the rest wait for the next one. */
const MAX_RECEIVED_PER_BOUNDARY = 32;

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
  const valid =
    (typeof message === 'string' && message.trim() !== '') ||
    (Array.isArray(message) &&
      message.length > 0 &&
      message.every((part) => typeof part === 'object' && part !== null && !Array.isArray(part)));
  if (!valid) {
    throw new InvalidArgumentError({
      argument: 'message',
      message:
        "steer: the message must be a non-empty text or a non-empty array of parts, e.g. runs.steer(runId, 'Use metric units.').",
    });
  }
  const bytes = Buffer.byteLength(JSON.stringify(message), 'utf8');
  if (bytes > MAX_DURABLE_STEER_BYTES) {
    throw new InvalidArgumentError({
      argument: 'message',
      message: `steer: the message is ${bytes} bytes of JSON, over the ${MAX_DURABLE_STEER_BYTES} a durable steer may carry; send a file reference (fileData) instead of inline bytes.`,
    });
  }
  return { mode: mode ?? 'steer', message: message as SteeringMessage };
}

/**
 * Whether a run's next step boundary reads its steering messages (issue 35: a `DBOS.recv` at
 * every boundary cost each step of every run two transactions and a checkpoint, steered or not).
 *
 * The decision must be the same in a replay as in the first execution: a boundary that read
 * messages is a recorded operation of the workflow, and a replay that skips it, or reads where
 * the first execution did not, meets another step at that place and fails. So it is taken from
 * recorded steps only: each model step and tool step looks, at the end of its body, whether a
 * steer waits for the run ({@link SteerWatch.probe}) and records the answer with its outcome;
 * after the step (run live or replayed from its record) {@link SteerWatch.note} marks the run so
 * its next boundary reads. Looking is free: the worker hears DBOS's NOTIFY of every message
 * (`steer-announcements.ts`); only the first live step of an execution in a process, or the
 * first after that LISTEN connection was replaced, reads DBOS's `notifications` (one indexed
 * SELECT, no transaction, no write), for a steer sent while nobody listened.
 * The first boundary of a run always reads (no step ran before it), and so does a boundary after
 * a step recorded by an older version, whose outcome has no answer.
 * @internal
 */
export type SteerWatch = {
  /**
   * Inside a live step body: whether an unread steer waits for the run. A failed read answers
   * `true` (the boundary's `DBOS.recv` then reads, and reports a real database error itself).
   */
  probe(): Promise<boolean>;
  /** After a step, live or replayed: its recorded answer (`undefined`: recorded without one). */
  note(waiting: boolean | undefined): void;
  /** A boundary is about to read the run's messages: what was announced so far is read now. */
  reading(): void;
};

/**
 * Per run executing in this process: whether its next step boundary reads its messages, and
 * the LISTEN connection (its generation) since which this execution has missed no announcement.
 * @internal
 */
export type SteerCheck = { due: boolean; listenedFrom?: number | undefined };

/** A run's check: its first boundary reads. @internal */
export function createSteerCheck(): SteerCheck {
  return { due: true };
}

/**
 * The {@link SteerWatch} of whichever run the calling code runs in (`runIdOf()`, DBOS's workflow
 * id), with `checks` holding each run's state; outside a run it does nothing.
 * @internal
 */
export function createSteerWatch({
  pool,
  checks,
  runIdOf,
  announcements,
  schema = 'dbos',
}: {
  pool: pg.Pool;
  checks: ReadonlyMap<string, SteerCheck>;
  runIdOf: () => string | undefined;
  /** Without: every look is a read of the database. */
  announcements?: SteerAnnouncements | undefined;
  schema?: string | undefined;
}): SteerWatch {
  const read = async (runId: string): Promise<boolean> => {
    try {
      // DBOS's own read of an unread message (`recv`, system_database.js in 5.3), without its
      // cancellation check, its transaction or its checkpoint.
      const { rows } = await pool.query<{ waiting: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM "${schema}".notifications
             WHERE destination_uuid = $1 AND topic = $2 AND consumed = false) AS waiting`,
        [runId, STEER_TOPIC],
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
      const check = checks.get(runId);
      if (announcements === undefined || check === undefined) return read(runId);
      const generation = announcements.generation();
      if (generation !== undefined && check.listenedFrom === generation) {
        return announcements.has(runId);
      }
      // Not heard since this connection began: the LISTEN first, then the read, so a steer
      // committed after the read is announced on it.
      const listening = await announcements.listening();
      const waiting = await read(runId);
      if (listening !== undefined) check.listenedFrom = listening;
      return waiting || announcements.has(runId);
    },
    reading() {
      const runId = runIdOf();
      if (runId !== undefined) announcements?.clear(runId);
    },
    note(waiting) {
      const runId = runIdOf();
      const check = runId === undefined ? undefined : checks.get(runId);
      if (check !== undefined && waiting !== false) check.due = true;
    },
  };
}

/**
 * The steering controller of a durable run: at a step boundary that `check` marks due (see
 * {@link SteerWatch}) the loop reads the run's steering messages with `DBOS.recv(topic, 0)` (no
 * wait) until none is left; other boundaries read nothing. Each recv is an operation of the
 * workflow: DBOS consumes the message and records what it returned in one transaction, and a
 * replay (a worker taking the run over after a SIGKILL) gets the recorded value back instead of
 * consuming again, so a steer is applied once, at the same boundary
 * (https://docs.dbos.dev/typescript/tutorials/workflow-communication: "Each call to recv()
 * waits for and consumes the next message"; @dbos-inc/dbos-sdk 5.3.0 system_database.js
 * `recv`: the UPDATE ... SET consumed and `recordOperationResultInternal` share a transaction,
 * and a recorded result is returned first). A message from the database is hostile: anything
 * that is not `{ mode, message }` is skipped.
 * @internal
 */
export function createDurableSteering(
  check: SteerCheck = createSteerCheck(),
  watch?: SteerWatch,
): Steering {
  return createSteering({
    receive: async () => {
      const received: ReceivedSteer[] = [];
      if (!check.due) return received;
      // Stays due when the read stops at its bound: the rest is read at the next boundary. A
      // steer announced from here on is looked at again by the next step.
      check.due = false;
      watch?.reading();
      for (let count = 0; ; count++) {
        if (count === MAX_RECEIVED_PER_BOUNDARY) {
          check.due = true;
          break;
        }
        const next = await DBOS.recv<unknown>(STEER_TOPIC, 0);
        if (next === null || next === undefined) break;
        const steer = readSteer(next);
        if (steer !== undefined) received.push(steer);
      }
      return received;
    },
  });
}

function readSteer(value: unknown): ReceivedSteer | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { mode, message } = value as { mode?: unknown; message?: unknown };
  try {
    return toDurableSteer(message, mode);
  } catch {
    return undefined;
  }
}
