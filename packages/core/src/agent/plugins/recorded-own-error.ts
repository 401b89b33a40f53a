// A plugin's own typed error (`AgentPlugin.ownErrors`) thrown by a recorded hook goes into the
// runner's record as data, as a trip does: a durable recorder keeps a throw as its name and
// message only, and what it threw again was a plain Error that `ownErrors` (an `instanceof`)
// did not claim, so the run ended with a PluginError where a run in process ended with the
// plugin's error (and a replay after a crash the same way: not the outcome the plugin chose).

import { redactLocalDetails } from '../../shared/redact-secrets.ts';

/** A claimed error as the record holds it: JSON. @internal */
export type StoredOwnError = {
  readonly name: string;
  readonly message: string;
  /** Its own enumerable fields (the data a typed error carries), when they are JSON. */
  readonly fields?: Record<string, unknown> | undefined;
};

/** The most of a claimed error's fields the record keeps, as JSON text (a bound, not a limit). */
const MAX_FIELDS_JSON = 16 * 1024;

/**
 * `error` (a plugin claimed it, or a reporting hook's failure; its keys already redacted) as the
 * record stores it: its name, message and own enumerable fields, those only when they are JSON of
 * at most 16 KB (else left out: the name and message still say what happened); each text through
 * `redact` (for the record: `redactLocalDetails`, see {@link toRecordedOwnError}). Never throws (a
 * getter that does, a cycle, a bigint: the fields are left out). @internal
 */
export function toStoredOwnError(
  error: unknown,
  redact: (text: string) => string = (text) => text,
): StoredOwnError {
  if (!(error instanceof Error)) return { name: 'Error', message: redact(safeString(error)) };
  let fields: Record<string, unknown> | undefined;
  try {
    const own: Record<string, unknown> = {};
    for (const key of Object.keys(error))
      if (key !== 'name' && key !== 'message')
        own[key] = (error as unknown as Record<string, unknown>)[key];
    const json = JSON.stringify(own);
    if (json !== '{}' && json.length <= MAX_FIELDS_JSON)
      fields = JSON.parse(json, (_key, value: unknown) =>
        typeof value === 'string' ? redact(value) : value,
      ) as Record<string, unknown>;
  } catch {
    fields = undefined;
  }
  return {
    name: redact(safeString(error.name)),
    message: redact(safeString(error.message)),
    ...(fields !== undefined && { fields }),
  };
}

/**
 * A recorded hook's claimed error, or its failure after it reported (keys already redacted), as
 * the record stores it ({@link toStoredOwnError}) without the local details `redactLocalDetails`
 * takes: a URL with its password, a path, an internal address. A durable recorder (@gemloop/dbos)
 * stores what core gives it, so these sat whole in its rows (redact40's audit); its
 * stored child errors are cut the same way (`storedChildError`). `error` is what the run ends
 * with in this execution: the thrown error itself when nothing was cut, else the record's copy
 * rebuilt ({@link fromStoredOwnError}) with the thrown error's prototype (`ownErrors` still
 * claims it, `instanceof` holds), so the first run ends as a replay does. @internal
 */
export function toRecordedOwnError(thrown: unknown): { stored: StoredOwnError; error: unknown } {
  let cut = false;
  const stored = toStoredOwnError(thrown, (text) => {
    const redacted = redactLocalDetails(text);
    if (redacted !== text) cut = true;
    return redacted;
  });
  if (!cut) return { stored, error: thrown };
  if (!(thrown instanceof Error)) return { stored, error: stored.message };
  const error = fromStoredOwnError(stored);
  try {
    Object.setPrototypeOf(error, Object.getPrototypeOf(thrown));
  } catch {
    // A proxy that refuses: the copy stays a plain Error, with the record's name and message.
  }
  return { stored, error };
}
/**
 * The error a replay ends the run with, rebuilt from the record: an `Error` with the stored
 * name, message and fields. Not the plugin's class (the record holds data, not code), but the
 * same outcome: what a durable runner stores and shows of a run's error is its name, message
 * and fields, as it does of the error the first run threw. @internal
 */
export function fromStoredOwnError(stored: unknown): Error {
  const { name, message, fields } = (stored ?? {}) as Partial<StoredOwnError>;
  const error = new Error(typeof message === 'string' ? message : '');
  error.name = typeof name === 'string' ? name : 'Error';
  if (typeof fields === 'object' && fields !== null)
    for (const [key, value] of Object.entries(fields))
      if (key !== 'stack' && key !== '__proto__')
        (error as unknown as Record<string, unknown>)[key] = value;
  return error;
}

/** Whether a record's error is one {@link toStoredOwnError} could have made: a name and a message. @internal */
export function isStoredError(value: unknown): value is StoredOwnError {
  if (typeof value !== 'object' || value === null) return false;
  const { name, message, fields } = value as Partial<StoredOwnError>;
  return (
    typeof name === 'string' &&
    typeof message === 'string' &&
    (fields === undefined || (typeof fields === 'object' && fields !== null))
  );
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return 'Error';
  }
}
