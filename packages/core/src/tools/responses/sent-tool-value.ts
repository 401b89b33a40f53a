import { describeThrown } from '../../shared/describe-thrown.ts';
import { setOwnKey } from '../../shared/set-own-key.ts';
import { formatPath, shortPlace } from '../schema/inline-refs.ts';
import { isPlainObject, type JsonValue, NotJsonError, toJsonValue } from './to-json-value.ts';
import { isToolResultWithParts } from './tool-result.ts';

// A recorded tool hook (a durable run's step) stores the tool's value it gives as JSON, and the
// record's copy is what the run uses, on the first run as on a replay. Kept as it was, that copy
// differed from what the same value does in process: a Map, a Set or a cycle (which the tool path
// answers as the tool's failure, the run going on) failed the whole durable run at record time;
// a class instance (sent wrapped, `{ output: { x: 1 } }`) came back a plain object, sent bare; a
// NaN (sent as "NaN") came back null (durable68). So the tool path's own conversion is made before
// recording: the record holds the JSON the model is sent, or why it cannot be sent, and the run
// reads back a value that does the same in the tool path.

/**
 * A tool's value that cannot be sent to Gemini, as a record keeps it: where (`path`) and why
 * (`reason`, the words after "cannot be sent to Gemini: "). `toFunctionResponse` answers it with
 * the `InvalidToolResultError` the value it stands for gave, so the model is told the same words
 * and the run goes on, as in process. @internal
 */
export class UnsentToolValue {
  /** Where in the value (the `InvalidToolResultError`'s path). */
  readonly path: readonly (string | number)[];
  /** Why, as the tool error tells it: `result.byId is not JSON: a Map is not JSON …`. */
  readonly reason: string;
  constructor(path: readonly (string | number)[], reason: string) {
    this.path = path;
    this.reason = reason;
  }
}

// why (a class of its own): a class instance's fields read back from a record. Not a plain object,
// so the tool path sends it wrapped (`{ output }`) as it sent the instance; it has no methods.
class RecordedInstance {}

/**
 * What the tool path makes of a tool's value, decided once (`toFunctionResponse`'s order):
 * `{ as: value }` for a value it sends as it is (a `toolResult()`, `undefined`); `{ json, instance }`
 * for the JSON it sends (`instance`: a value that is not a plain object whose JSON is one, sent
 * wrapped as `{ output }`); `{ unsent }` for a value it answers as the tool's failure. @internal
 */
export type SentToolValue =
  | { readonly as: unknown }
  | { readonly json: JsonValue; readonly instance: boolean }
  | { readonly unsent: UnsentToolValue };

/** {@link SentToolValue} of a tool's value. Never throws. @internal */
export function sentToolValue(result: unknown): SentToolValue {
  try {
    if (result === undefined || isToolResultWithParts(result)) return { as: result };
    const json = toJsonValue(result);
    return { json, instance: !isPlainObject(result) && isPlainObject(json) };
  } catch (error) {
    return {
      unsent:
        error instanceof NotJsonError
          ? new UnsentToolValue(error.path, notJsonReason(error))
          : new UnsentToolValue([], unreadableReason(error)),
    };
  }
}

/** The JSON of a class instance read back as one (sent wrapped, as the instance was). @internal */
export function recordedInstance(fields: Record<string, unknown>): object {
  const made = new RecordedInstance() as Record<string, unknown>;
  for (const key of Object.keys(fields)) setOwnKey(made, key, fields[key]);
  return made;
}

/** Why a value is not JSON, as the tool error tells it: `result.byId is not JSON: …`. @internal */
export function notJsonReason(error: NotJsonError): string {
  const where =
    error.path.length === 0 ? 'the result' : `result.${shortPlace(formatPath(error.path))}`;
  return `${where} is not JSON: ${error.message}`;
}

/** Why a value that throws when it is read (a hostile Proxy) cannot be sent. @internal */
export function unreadableReason(error: unknown): string {
  return `reading it threw (${describeThrown(error)})`;
}
