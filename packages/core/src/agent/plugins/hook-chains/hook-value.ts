/**
 * What a hook returned, in a box of the run's own. A promise resolved with the hook's object
 * reads its `then` again, and a `then` getter that read fine once may throw then, its words the
 * run's failure (misc64): the hook's object is read for `then` once, by
 * `PluginHookCalls.settled`, and travels boxed from there to where the run reads its fields.
 * @internal
 */
export type HookValue<T> = { readonly value: T };

/** `value` in its {@link HookValue} box. @internal */
export function boxed<T>(value: T): HookValue<T> {
  return { value };
}

/**
 * The value out of its box: only where the run reads it (or hands it to code that already
 * resolved promises with it, as a recorded wrapper's parts do), never to resolve a promise of
 * the run's with a hook's fresh object. @internal
 */
export function unboxed<T>(settled: HookValue<T>): T {
  return settled.value;
}
