import { describeThrown } from '../../shared/describe-thrown.ts';
import { setOwnKey } from '../../shared/set-own-key.ts';
import { isPlainObject, type JsonValue, NotJsonError, toJsonValue } from './to-json-value.ts';
import { isToolResultWithParts } from './tool-result.ts';

// A recorded tool hook (a durable run's step) stores the tool's value it gives as JSON, and the
// record's copy is what the run uses, on the first run as on a replay. Kept as it was, that copy
// differed from what the same value does in process: a Map, a Set or a cycle (which the tool path
// answers as the tool's failure, the run going on) failed the whole durable run at record time;
// a class instance (sent wrapped, `{ output: { x: 1 } }`) came back a plain object, sent bare; a
// NaN (sent as "NaN") came back null (durable68). So the tool path's own conversion is made before
// recording: the record holds the JSON the model is sent, or why it cannot be sent, and the run
// reads back a value that does the same in the tool path. Only the plugin engine imports this
// (../../agent/plugins/hook-chains/sent-tool-hook-value.ts): the tool path itself is unchanged,
// and an agent app's loaded bundle carries none of it.

/** Why a tool's value cannot be sent: its `NotJsonError` (where and what), or a read that threw. @internal */
export type UnsentReason =
  | { readonly path: readonly (string | number)[]; readonly notJson: string }
  | { readonly unreadable: string };

/**
 * What the tool path makes of a tool's value, decided once (`toFunctionResponse`'s order):
 * `{ as: value }` for a value it sends as it is (a `toolResult()`, `undefined`); `{ json, instance }`
 * for the JSON it sends (`instance`: a value that is not a plain object whose JSON is one, sent
 * wrapped as `{ output }`); `{ unsent }` for a value it answers as the tool's failure. @internal
 */
export type SentToolValue =
  | { readonly as: unknown }
  | { readonly json: JsonValue; readonly instance: boolean }
  | { readonly unsent: UnsentReason };

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
          ? { path: error.path, notJson: error.message }
          : { unreadable: describeThrown(error) },
    };
  }
}

/**
 * A value the tool path answers as the value `reason` was made of: the same `NotJsonError` (its
 * `toJSON` throws it, which `toJsonValue` passes on as it is, so `toFunctionResponse` names the
 * same place with the same words), or the same read that throws (its `kind`, the first field the
 * tool path reads: "reading it threw (…)"). The model is told the tool failed, as in process.
 * @internal
 */
export function unsentToolValue(reason: UnsentReason): object {
  if ('notJson' in reason) {
    const { path, notJson } = reason;
    return {
      toJSON: (): never => {
        throw new NotJsonError([...path], notJson);
      },
    };
  }
  return Object.defineProperty({}, 'kind', {
    get: (): never => {
      throw new Error(reason.unreadable);
    },
  });
}

// why (a class of its own): a class instance's fields read back from a record. Not a plain object,
// so the tool path sends it wrapped (`{ output }`) as it sent the instance; it has no methods.
class RecordedInstance {}

/** The JSON of a class instance read back as one (sent wrapped, as the instance was). @internal */
export function recordedInstance(fields: Record<string, unknown>): object {
  const made = new RecordedInstance() as Record<string, unknown>;
  for (const key of Object.keys(fields)) setOwnKey(made, key, fields[key]);
  return made;
}
