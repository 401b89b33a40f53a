import { fromToolResultMark, toolResultMark } from '../../../tools/responses/tool-result-mark.ts';
import type { PluginHookName } from '../agent-plugin.ts';

// A recorded tool hook's value can hold the tool's value: a `wrapToolCall`'s execution
// (`{ type: 'value', value }`, or `{ returned: … }` when its first part returned without `next()`),
// an `afterToolCall`'s `{ result }`, a `beforeToolCall`'s `{ type: 'result', result }`. A record is JSON, which loses toolResult()'s mark, and a
// durable recorder hands back its copy on the first run too: a toolResult() the tool returned
// went to the model as data after such a hook (toolresult45). The record keeps the mark beside
// the value (`StoredCall.toolResult`) and the value is made again where it sits. The tool's value
// is also recorded as the tool path sends it (./sent-tool-hook-value.ts, durable68).

/** The record of a `wrapToolCall` part that returned without `next()`. */
type Returned = { returned: unknown };

/** The tool's value a recorded tool hook's value holds, as `{ value }`; `undefined`: none. @internal */
export function toolValueIn(hook: PluginHookName, value: unknown): { value: unknown } | undefined {
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
 * A recorded tool hook's value read back from its record, the tool's value in it made again as
 * its mark says (`fromToolResultMark`: a record without one, from before, by the shape). @internal
 */
export function withToolHookMark(hook: PluginHookName, value: unknown, mark: unknown): unknown {
  const inner = toolValueIn(hook, value);
  if (inner === undefined) return value;
  const made = fromToolResultMark(inner.value, mark);
  return made === inner.value ? value : withToolValue(hook, value, made);
}

/** A copy of a tool hook's value with `made` as the tool's value in it, where it sits. @internal */
export function withToolValue(hook: PluginHookName, value: unknown, made: unknown): unknown {
  const record = value as Record<string, unknown>;
  if (hook !== 'wrapToolCall') return { ...record, result: made };
  if (!('returned' in record)) return { ...record, value: made };
  return { ...record, returned: { ...(record['returned'] as object), value: made } };
}
