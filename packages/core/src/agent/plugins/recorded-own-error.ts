// A plugin's own typed error (`AgentPlugin.ownErrors`) thrown by a recorded hook goes into the
// runner's record as data, as a trip does: a durable recorder keeps a throw as its name and
// message only, and what it threw again was a plain Error that `ownErrors` (an `instanceof`)
// did not claim, so the run ended with a PluginError where a run in process ended with the
// plugin's error (and a replay after a crash the same way: not the outcome the plugin chose).

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
 * `error` (a plugin claimed it; already redacted) as the record stores it: its name, message and
 * own enumerable fields, those only when they are JSON of at most 16 KB (else left out: the
 * name and message still say what happened). Never throws (a getter that does, a cycle, a
 * bigint: the fields are left out). @internal
 */
export function toStoredOwnError(error: unknown): StoredOwnError {
  if (!(error instanceof Error)) return { name: 'Error', message: safeString(error) };
  let fields: Record<string, unknown> | undefined;
  try {
    const own: Record<string, unknown> = {};
    for (const key of Object.keys(error))
      if (key !== 'name' && key !== 'message')
        own[key] = (error as unknown as Record<string, unknown>)[key];
    const json = JSON.stringify(own);
    if (json !== '{}' && json.length <= MAX_FIELDS_JSON)
      fields = JSON.parse(json) as Record<string, unknown>;
  } catch {
    fields = undefined;
  }
  return {
    name: safeString(error.name),
    message: safeString(error.message),
    ...(fields !== undefined && { fields }),
  };
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
