import type { AgentUsage } from '@gemloop/core';
import { MAX_TOOL_ERROR_MESSAGE_LENGTH } from '@gemloop/core/guardrails';
import { cutText, DelegatedFailure, delegatedFailureOf } from '@gemloop/core/internal';
import type { Cost } from '@gemloop/core/models';
import { redactedRunError } from '../worker/redacted-run-error.ts';

/**
 * A thrown error as a DBOS step stores it in `dbos.operation_outputs` (a tool's, a Live
 * background tool's, a recorded plugin hook's): its name, its message and its `code`, as the
 * step's caller rebuilds it with `thrownFromRecord` on the first run and on every replay.
 * `code` absent: none, or an older record. `delegated`: the tool threw core's `DelegatedFailure`
 * (a remote A2A agent's failed task), whose message is the model's whole answer, rebuilt as one,
 * with what the delegate spent when the tool knew it (`usage`, `cost`: the run counts it, as in
 * process).
 * @internal
 */
export type RecordedError = {
  ok: false;
  name: string;
  message: string;
  code?: string | number;
  delegated?: true;
  usage?: AgentUsage;
  cost?: Cost;
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
  const delegated = delegatedFailureOf(thrown);
  if (delegated !== undefined) {
    // What the delegate spent (plain numbers and decimal strings), kept beside the words: a custom
    // tool's failure that spent model calls counts in the run's usage and cost on the first run and
    // on a replay, as in process. Its pico-dollar `priced` is not kept (a BigInt JSON cannot hold):
    // the run prices `cost` again, as for any tool's own cost.
    const { usage, cost } = delegated;
    return {
      ok: false,
      name,
      message,
      delegated: true,
      ...(usage !== undefined && { usage: { ...usage } }),
      ...(cost !== undefined && { cost: { ...cost } }),
    };
  }
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
 * them as its `cause`), so the model reads the words once, with the usage and cost the record kept
 * (none for a remote agent, whose spending is unknown).
 * @internal
 */
export function thrownFromRecord(record: {
  name: string;
  message: string;
  code?: string | number | undefined;
  delegated?: true | undefined;
  usage?: AgentUsage | undefined;
  cost?: Cost | undefined;
}): Error & { code?: string | number } {
  if (record.delegated === true) {
    return new DelegatedFailure(
      record.message,
      new Error(record.message),
      usageOf(record.usage),
      costOf(record.cost),
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

/**
 * A record's usage when it is one (six finite counts), else none: the row is read from a
 * database, and a field of another shape must not reach the run's totals.
 */
function usageOf(value: unknown): AgentUsage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const fields = value as Record<string, unknown>;
  const names: (keyof AgentUsage)[] = [
    'promptTokenCount',
    'candidatesTokenCount',
    'thoughtsTokenCount',
    'toolUsePromptTokenCount',
    'cachedContentTokenCount',
    'totalTokenCount',
  ];
  if (!names.every((name) => typeof fields[name] === 'number' && Number.isFinite(fields[name])))
    return undefined;
  return Object.fromEntries(names.map((name) => [name, fields[name]])) as AgentUsage;
}

/** A record's cost when it reads as one (USD, its total a decimal string or null), else none. */
function costOf(value: unknown): Cost | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const fields = value as Record<string, unknown>;
  return fields['currency'] === 'USD' &&
    (fields['total'] === null || typeof fields['total'] === 'string')
    ? (value as Cost)
    : undefined;
}
