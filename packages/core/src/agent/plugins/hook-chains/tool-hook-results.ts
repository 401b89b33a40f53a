import type { HandOffOutcome, ToolExecution } from '../agent-plugin.ts';

/**
 * What a tool hook returned, the fields its chain reads taken once, inside the hook's guard
 * (`ToolHooks.returned`): a getter or a proxy trap that throws is the plugin's failure there,
 * not an error the tool path meets later without the plugin's name, and a getter cannot answer
 * the check one thing and the use another.
 * @internal
 */
export type Returned = {
  readonly type: unknown;
  readonly args: unknown;
  readonly result: unknown;
  /** Whether it has a `result` key (`afterToolCall`'s `{ result: undefined }` is a result). */
  readonly hasResult: boolean;
  readonly message: unknown;
  readonly askedBy: unknown;
  readonly to: unknown;
  readonly name: unknown;
  readonly filter: unknown;
  readonly contents: unknown;
};

/**
 * {@link Returned} of a hook's value; `undefined` for none. May throw (a getter, a proxy trap).
 * @internal
 */
export function fieldsOf(value: unknown): Returned | undefined {
  if (value === undefined || value === null) return undefined;
  const fields = value as Record<string, unknown>;
  return {
    type: fields['type'],
    args: fields['args'],
    result: fields['result'],
    hasResult: typeof value === 'object' && 'result' in value,
    message: fields['message'],
    askedBy: fields['askedBy'],
    to: fields['to'],
    name: fields['name'],
    filter: fields['filter'],
    contents: fields['contents'],
  };
}

/**
 * A hand-off `afterToolCall` (or, with its contents, `afterAnswer`) returned, from its fields
 * (checked: `checkHandOff`). @internal
 */
export function handOffOf(fields: Pick<Returned, 'to' | 'name' | 'filter'>): HandOffOutcome {
  return {
    type: 'hand-off',
    to: fields.to as HandOffOutcome['to'],
    name: fields.name as string | undefined,
    filter: fields.filter as HandOffOutcome['filter'],
  };
}

/**
 * What a `wrapToolCall` returned as an execution, its fields read once (a fresh object the tool
 * path reads later); `undefined` when it is not one. May throw (a getter, a proxy trap).
 * @internal
 */
export function executionOf(value: unknown): ToolExecution | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const fields = value as Record<string, unknown>;
  const type = fields['type'];
  // A timeout names its limit: the model is told "did not finish within N ms".
  if (type === 'timeout') {
    const timeoutMs = fields['timeoutMs'];
    return typeof timeoutMs === 'number' && Number.isFinite(timeoutMs) && timeoutMs >= 0
      ? { type, timeoutMs }
      : undefined;
  }
  if (type === 'value') return { type, value: fields['value'] };
  if (type === 'error') return { type, error: fields['error'] };
  return type === 'aborted' ? { type } : undefined;
}

/** A tool hook's failure for a result it cannot be asked about. @internal */
export const UNREADABLE_RESULT =
  'it returned a value that cannot be read (a getter or a proxy trap threw)';

/**
 * Whether a hook's result is to be waited for (a promise, or any thenable `await` would take).
 * @internal
 */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  if (value instanceof Promise) return true;
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
