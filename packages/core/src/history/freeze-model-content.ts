import type { Content } from '../wire/content.ts';

/**
 * Freezes the model's own turn as it enters a run that hands it to code other than the loop's (a
 * run with plugins, or the application's `onStepEnd` or `beforeToolCall`; a plugin that joins a
 * run later freezes the turns the run made): the content, its parts and every object and list inside
 * them (a call's `args`, a signature's part, a code part), once, in place. Those hooks are handed
 * these objects, not copies (a deep copy a step would cost every run): frozen, a plugin that
 * deletes a part's `thoughtSignature` or rewrites a call's `args` in place fails in its hook (a
 * `PluginError` naming it) instead of changing the turn the run sends back and returns (the API
 * takes the model's turn back only as it gave it, signatures in their parts). A change goes
 * through the hooks' results (`contents`, `{ type: 'args' }`, a rewrite), which the history keeps
 * beside the model's turn. A run with
 * none of them (the default agent) leaves the turn as parsed: its only other readers are the
 * application's own (its stream's events, its result), and frozen objects serialise and copy
 * more slowly on every later step (see `recordStep`).
 *
 * Only what the response made (parsed JSON: plain objects and lists); walked with a list, not by
 * recursion, so a model's deeply nested `args` cannot overflow the stack; a value that cannot be
 * frozen (a byte array, a proxy a request wrapper returned) is left as it is.
 * @internal
 */
export function freezeModelContent(content: Content): Content {
  const pending: unknown[] = [content];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value !== 'object' || value === null || Object.isFrozen(value)) continue;
    try {
      if (ArrayBuffer.isView(value)) continue;
      Object.freeze(value);
      if (Array.isArray(value)) for (const item of value) pending.push(item);
      else for (const key in value) pending.push((value as Record<string, unknown>)[key]);
    } catch {
      // A proxy whose traps throw: what the response check let through stays as it came.
    }
  }
  return content;
}
