import {
  recordedInstance,
  sentToolValue,
  type UnsentReason,
  unsentToolValue,
} from '../../../tools/responses/sent-tool-value.ts';
import { isPlainObject } from '../../../tools/responses/to-json-value.ts';
import type { PluginHookName } from '../agent-plugin.ts';
import { toolValueIn, withToolValue } from './recorded-tool-value.ts';
import { CHANGED, type StoredCallReader } from './stored-call.ts';

// A recorded tool hook's tool value is stored as the tool path sends it (../../../tools/responses/
// sent-tool-value.ts): its JSON, or why it cannot be sent, so the same plugin gives the same run
// in process and durable (durable68). What JSON alone cannot say is noted beside it
// (`StoredCall.toolValue`, a {@link StoredToolValue}) and made again where it sits.

/**
 * What a record notes of a recorded tool hook's tool value beside it: `'undefined'` (a
 * `{ result: undefined }`, whose key JSON drops), `'instance'` (a class instance, sent wrapped as
 * `{ output }`: its JSON alone is a plain object, sent bare), or where and why it cannot be sent
 * (the model is told the tool failed, as in process). @internal
 */
export type StoredToolValue = 'undefined' | 'instance' | UnsentReason;

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
  const { unsent } = sent;
  const toolValue =
    'notJson' in unsent
      ? { path: unsent.path, notJson: redact(unsent.notJson) }
      : { unreadable: redact(unsent.unreadable) };
  return { value: withToolValue(hook, value, null), toolValue };
}

/**
 * A recorded tool hook's value read back from its record (its toolResult() mark applied), the
 * tool's value in it made again as the record's note says (see {@link StoredToolValue}): the
 * key of `undefined`, an instance's fields as an object that is not plain, or an
 * value the tool path answers as the one that could not be sent, its words redacted again (a record may have been written otherwise). A note
 * that is not one fails as the hook's invalid result rather than as a value the tool path cannot
 * read. @internal
 */
export function withStoredToolValue(
  reader: StoredCallReader,
  hook: PluginHookName,
  value: unknown,
  stored: unknown,
): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (stored === 'undefined') return withToolValue(hook, value, undefined);
  if (stored === 'instance') {
    const inner = toolValueIn(hook, value);
    return inner !== undefined && isPlainObject(inner.value)
      ? withToolValue(hook, value, recordedInstance(inner.value))
      : value;
  }
  if (typeof stored === 'object' && stored !== null) {
    const { path, notJson, unreadable } = stored as Record<string, unknown>;
    if (typeof unreadable === 'string')
      return withToolValue(
        hook,
        value,
        unsentToolValue({ unreadable: reader.facts.redact(unreadable) }),
      );
    if (
      typeof notJson === 'string' &&
      Array.isArray(path) &&
      path.every((key) => typeof key === 'string' || typeof key === 'number')
    ) {
      const reason = { path: path as (string | number)[], notJson: reader.facts.redact(notJson) };
      return withToolValue(hook, value, unsentToolValue(reason));
    }
  }
  throw reader.invalid(
    `its record notes a tool value that is not "undefined", "instance", { path, notJson } or { unreadable } ${CHANGED}`,
  );
}
