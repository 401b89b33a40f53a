import type { AgentPlugin } from './agent-plugin.ts';

// why (brand): a registered symbol, so a plugin gemloop adds is known by another copy of the seam too.
const ADDED_BY = Symbol.for('gemloop.plugin.added-by');

/**
 * `plugin` marked as one gemloop adds to a run itself (not one the caller gave), with words that
 * say what adds it: a refusal of a name it shares with a caller's plugin then names it, not a
 * place in a list the caller never wrote. A frozen copy with every own property (`definePlugin`
 * freezes what it makes, its engine key included). @internal
 */
export function markAddedBy<T extends object>(plugin: T, by: string): T {
  const marked = Object.create(
    Object.getPrototypeOf(plugin) as object | null,
    Object.getOwnPropertyDescriptors(plugin),
  ) as T;
  Object.defineProperty(marked, ADDED_BY, { value: by });
  return Object.freeze(marked);
}

/** What adds `plugin` to a run, when gemloop does ({@link markAddedBy}). @internal */
export function addedBy(plugin: AgentPlugin): string | undefined {
  const by = (plugin as unknown as Record<symbol, unknown>)[ADDED_BY];
  return typeof by === 'string' ? by : undefined;
}
