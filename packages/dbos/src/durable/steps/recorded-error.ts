import { MAX_TOOL_ERROR_MESSAGE_LENGTH } from '@gemloop/core/guardrails';
import { cutText, DelegatedFailure, delegatedFailureOf } from '@gemloop/core/internal';
import { redactedRunError } from '../worker/redacted-run-error.ts';

/**
 * A thrown error as a DBOS step stores it in `dbos.operation_outputs` (a tool's, a Live
 * background tool's, a recorded plugin hook's): its name, its message and its `code`, as the
 * step's caller rebuilds it with `thrownFromRecord` on the first run and on every replay.
 * `code` absent: none, or an older record. `delegated`: the tool threw core's `DelegatedFailure`
 * (a remote A2A agent's failed task), whose message is the model's whole answer, rebuilt as one.
 * @internal
 */
export type RecordedError = {
  ok: false;
  name: string;
  message: string;
  code?: string | number;
  delegated?: true;
};

/**
 * `thrown` as a step records it: name, message and `code` without the keys of the run's clients
 * and the local details `redactLocalDetails` takes (`redactedRunError`, whose copy keeps the
 * class's name and the text and number fields: `connect failed: postgres://app:pw@10.0.0.5/db`
 * becomes `connect failed: <url>`), the message cut at `MAX_TOOL_ERROR_MESSAGE_LENGTH` after that
 * (a cut first could leave half a secret the patterns no longer see). A row of Postgres is read
 * by whoever reads the database (an operator, a backup, `gemloop view`): it holds what the model
 * and the run's final error are told, never more. Made only when something threw.
 * @internal
 */
export function recordedError(thrown: unknown, keys: readonly string[]): RecordedError {
  const safe = redactedRunError(thrown, keys) as Error & { code?: unknown };
  // Cut as the loop cuts a tool's error (never inside an emoji: Gemini's JSON reader refuses a
  // lone surrogate), so the record holds no more than the model is told.
  const message =
    safe.message.length > MAX_TOOL_ERROR_MESSAGE_LENGTH
      ? `${cutText(safe.message, MAX_TOOL_ERROR_MESSAGE_LENGTH)}...`
      : safe.message;
  // A class name the loop shows has at most 64 characters (safeToolErrorMessage): a longer one is
  // no class's, and is bounded like the code.
  const name = safe.name.slice(0, MAX_CODE_LENGTH);
  // A delegated failure's message is what the model is told, whole (`The remote agent support
  // failed the task: ...`): rebuilt as one, the loop answers with it as in process, where a plain
  // error would be prefixed again (`ask failed: The remote agent support failed ...`).
  if (delegatedFailureOf(thrown) !== undefined)
    return { ok: false, name, message, delegated: true };
  const code = safe.code;
  // A code is a short word (`ECONNREFUSED`, 404): a longer text is not one, and is not stored;
  // nor is a number JSON cannot hold (NaN would come back from the row as null).
  return (typeof code === 'string' && code.length <= MAX_CODE_LENGTH) ||
    (typeof code === 'number' && Number.isFinite(code))
    ? { ok: false, name, message, code }
    : { ok: false, name, message };
}

/**
 * The error a `RecordedError` stands for, thrown by the step's caller on the first run and
 * on a replay alike (so both fail, or go on, the same way): a plain `Error` with the record's
 * name, message and `code`. A record of an older version without a `code` gives none. A
 * delegated one is a `DelegatedFailure` as a remote A2A agent throws it (its words, an `Error` of
 * them as its `cause`, no usage: a remote agent's is unknown), so the model reads the words once.
 * @internal
 */
export function thrownFromRecord(record: {
  name: string;
  message: string;
  code?: string | number | undefined;
  delegated?: true | undefined;
}): Error & { code?: string | number } {
  if (record.delegated === true) {
    return new DelegatedFailure(
      record.message,
      new Error(record.message),
      undefined,
      undefined,
      undefined,
    );
  }
  const error = new Error(record.message) as Error & { code?: string | number };
  error.name = record.name;
  if (record.code !== undefined) error.code = record.code;
  return error;
}

/** Longest `code` (and name) a recorded error keeps. */
const MAX_CODE_LENGTH = 100;
