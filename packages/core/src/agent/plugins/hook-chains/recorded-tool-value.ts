import {
  recordedInstance,
  sentToolValue,
  UnsentToolValue,
} from '../../../tools/responses/sent-tool-value.ts';
import { isPlainObject } from '../../../tools/responses/to-json-value.ts';
import { fromToolResultMark, toolResultMark } from '../../../tools/responses/tool-result-mark.ts';
import type { PluginHookName } from '../agent-plugin.ts';
import { CHANGED, type StoredCallReader } from './stored-call.ts';

// A recorded tool hook's value can hold the tool's value: a `wrapToolCall`'s execution
// (`{ type: 'value', value }`, or `{ returned: … }` when its first part returned without `next()`),
// an `afterToolCall`'s `{ result }`, a `beforeToolCall`'s `{ type: 'result', result }`. A record is JSON, which loses toolResult()'s mark, and a
// durable recorder hands back its copy on the first run too: a toolResult() the tool returned
// went to the model as data after such a hook (toolresult45). The record keeps the mark beside
// the value (`StoredCall.toolResult`) and the value is made again where it sits.
//
// The tool's value is also stored as the tool path sends it (../../../tools/responses/
// sent-tool-value.ts): its JSON, or why it cannot be sent, so the same plugin gives the same run
// in process and durable (durable68). What JSON alone cannot say is noted beside it
// (`StoredCall.toolValue`, a {@link StoredToolValue}) and made again where it sits.

/**
 * What a record notes of a recorded tool hook's tool value beside it: `'undefined'` (a
 * `{ result: undefined }`, whose key JSON drops), `'instance'` (a class instance, sent wrapped as
 * `{ output }`: its JSON alone is a plain object, sent bare), or where and why it cannot be sent
 * (the model is told the tool failed, as in process). @internal
 */
export type StoredToolValue =
  | 'undefined'
  | 'instance'
  | { readonly path: readonly (string | number)[]; readonly reason: string };

/** The record of a `wrapToolCall` part that returned without `next()`. */
type Returned = { returned: unknown };

/** The tool's value a recorded tool hook's value holds, as `{ value }`; `undefined`: none. */
function toolValueIn(hook: PluginHookName, value: unknown): { value: unknown } | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (
    hook === 'afterToolCall' ||
    (hook === 'beforeToolCall' && 'type' in value && value.type === 'result')
  )
    return 'result' in value ? { value: value.result } : undefined;
  if (hook !== 'wrapToolCall') return undefined;
  const execution = 'returned' in value ? (value as Returned).returned : value;
  return typeof execution === 'object' &&
    execution !== null &&
    'type' in execution &&
    execution.type === 'value' &&
    'value' in execution
    ? { value: execution.value }
    : undefined;
}

/**
 * What a recorded tool hook's record notes beside its value: whether the tool's value in it was a
 * toolResult() (see `toolResultMark`); `undefined` for every other hook and value. @internal
 */
export function toolHookMark(hook: PluginHookName, value: unknown): boolean | undefined {
  try {
    const inner = toolValueIn(hook, value);
    return inner === undefined ? undefined : toolResultMark(inner.value);
  } catch {
    // A value that throws when read (a proxy) is not the recorder's to judge: it fails there.
    return undefined;
  }
}

/**
 * A recorded tool hook's value as its record stores it: the tool's value in it replaced by the
 * JSON the tool path sends of it (a `toolResult()` and `undefined` kept), or by `null` when it
 * cannot be sent, with what JSON alone cannot say (`toolValue`; the reason `redact`ed: it may
 * quote a getter's words). May throw: the value's fields are read (a proxy's traps). @internal
 */
export function toRecordedToolValue(
  hook: PluginHookName,
  value: unknown,
  redact: (text: string) => string,
): { readonly value: unknown; readonly toolValue?: StoredToolValue } {
  const inner = toolValueIn(hook, value);
  if (inner === undefined) return { value };
  const sent = sentToolValue(inner.value);
  if ('as' in sent)
    return inner.value === undefined ? { value, toolValue: 'undefined' } : { value };
  if ('json' in sent) {
    const recorded = withToolValue(hook, value, sent.json);
    return sent.instance ? { value: recorded, toolValue: 'instance' } : { value: recorded };
  }
  const { path, reason } = sent.unsent;
  return { value: withToolValue(hook, value, null), toolValue: { path, reason: redact(reason) } };
}

/**
 * A recorded tool hook's value read back from its record, the tool's value in it made again as
 * its mark says (`fromToolResultMark`: a record without one, from before, by the shape) and as
 * `toolValue` says (see {@link StoredToolValue}; checked by the caller). @internal
 */
export function withToolHookMark(
  hook: PluginHookName,
  value: unknown,
  mark: unknown,
  toolValue?: 'undefined' | 'instance' | UnsentToolValue,
): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (toolValue === 'undefined') return withToolValue(hook, value, undefined);
  if (toolValue instanceof UnsentToolValue) return withToolValue(hook, value, toolValue);
  const inner = toolValueIn(hook, value);
  if (inner === undefined) return value;
  const made =
    toolValue === 'instance' && isPlainObject(inner.value)
      ? recordedInstance(inner.value)
      : fromToolResultMark(inner.value, mark);
  return made === inner.value ? value : withToolValue(hook, value, made);
}

/** A copy of a tool hook's value with `made` as the tool's value in it, where it sits. */
function withToolValue(hook: PluginHookName, value: unknown, made: unknown): unknown {
  const record = value as Record<string, unknown>;
  if (hook !== 'wrapToolCall') return { ...record, result: made };
  if (!('returned' in record)) return { ...record, value: made };
  return { ...record, returned: { ...(record['returned'] as object), value: made } };
}

/**
 * A record's {@link StoredToolValue} as {@link withToolHookMark} takes it (`undefined`: none), the
 * reason redacted again (a record may have been written otherwise). What is not one fails as the
 * hook's invalid result rather than as a value the tool path cannot read. @internal
 */
export function storedToolValue(
  reader: StoredCallReader,
  stored: unknown,
): 'undefined' | 'instance' | UnsentToolValue | undefined {
  if (stored === undefined || stored === 'undefined' || stored === 'instance') return stored;
  if (typeof stored === 'object' && stored !== null) {
    const { path, reason } = stored as { path?: unknown; reason?: unknown };
    if (
      typeof reason === 'string' &&
      Array.isArray(path) &&
      path.every((key) => typeof key === 'string' || typeof key === 'number')
    )
      return new UnsentToolValue(path as (string | number)[], reader.facts.redact(reason));
  }
  throw reader.invalid(
    `its record notes a tool value that is not "undefined", "instance" or { path, reason } ${CHANGED}`,
  );
}
