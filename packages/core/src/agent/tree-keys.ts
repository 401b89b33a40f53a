import type { TurnsOf } from './plugins/run-view/plugin-run-view.ts';
import { childAgentOf } from './run-state/run-link.ts';

/**
 * What the key walk reads of an agent's resolved config (`AgentConfig`): its client's keys
 * (`ModelCallEntry.secrets`) and its function tools. @internal
 */
export type KeyedConfig = {
  readonly modelCall: { readonly secrets?: (() => readonly string[]) | undefined };
  readonly tools: { readonly functions: { values(): Iterable<object> } };
  /** The agents a plugin's hand-off gave its runs to (`AgentConfig.handedTo`), learned as runs go. */
  readonly handedTo?: ReadonlySet<object> | undefined;
};

// No cap on the walk (key-leaks3): each agent is walked once (`seen`), so a cycle of hand-offs
// ends, and a tree is as large as the user's code made it. A cap left the 257th client's key
// unheld; what many keys cost is KeyHold's tail scan per key and delta (RESULTS.md, key-leaks2:
// one key 81-113 µs, two 177-210 µs a 200-delta step), paid only by a tree that has them.

/**
 * The keys of every client a run of `config`'s agent can reach: its own, and those of the agents
 * its subagent tools start and its `handoff()` tools hand to, through theirs in turn (each agent
 * once). A model of any of them may write its client's key into the run's events, its result and
 * its history (a child's answer is the parent's tool output), so a door's hold-back and the
 * observers' redaction take them all. Read at each call: a client may learn a credential later.
 * A hand-off a plugin makes to an agent no tool names is known once it happened: the take-over
 * adds the receiver to the handing agent's `handedTo`, walked here too, before the `handoff`
 * event (a door reads the keys again at that event; {@link liveTreeKeySources} for observers).
 * `turnsOf` finds an agent's config (`agentTurnsOf`, handed in: the loop may not import it).
 * @internal
 */
export function treeKeysOf(config: KeyedConfig | undefined, turnsOf: TurnsOf): string[] {
  return keysOf(treeKeySources(config, turnsOf));
}

/**
 * The key readers (`ModelCallEntry.secrets`) of the clients {@link treeKeysOf} reaches, each
 * once: a caller that asks for the keys at each event (a durable run's stream, whose tree's
 * clients may have none yet) walks the tree once and asks only these (see {@link keysOf}),
 * walking again when the `learned` sets (the `handedTo` sets walked, pushed there when given)
 * grow ({@link liveTreeKeySources}). @internal
 */
export function treeKeySources(
  config: KeyedConfig | undefined,
  turnsOf: TurnsOf,
  learned?: ReadonlySet<object>[],
): (() => readonly string[])[] {
  const sources = new Set<() => readonly string[]>();
  if (config === undefined) return [];
  const seen = new Set<object>([config]);
  const queue: KeyedConfig[] = [config];
  for (let at = 0; at < queue.length; at++) {
    const next = queue[at] as KeyedConfig;
    const secrets = next.modelCall.secrets;
    if (secrets !== undefined) sources.add(secrets);
    for (const tool of next.tools.functions.values()) {
      const agent = childAgentOf(tool) ?? handoffReceiverOf(tool);
      if (agent === undefined) continue;
      const target = turnsOf(agent)?.handoffTarget?.(undefined) as
        | { config?: KeyedConfig }
        | undefined;
      const reached = target?.config;
      if (reached === undefined || seen.has(reached)) continue;
      seen.add(reached);
      queue.push(reached);
    }
    if (next.handedTo === undefined) continue;
    learned?.push(next.handedTo);
    for (const reached of next.handedTo as ReadonlySet<KeyedConfig>) {
      if (seen.has(reached)) continue;
      seen.add(reached);
      queue.push(reached);
    }
  }
  return [...sources];
}

/**
 * {@link treeKeySources} kept current: `current()` gives the walk's key readers, walked again
 * when a plugin's hand-off reached an agent since (the walk's `handedTo` sets grew: a size sum
 * per call), the same array while nothing was learned, so a caller may keep what it made of it.
 * `learns`: whether the tree has any `handedTo` set at all (without one, `current()` never
 * changes). One walk for the observers' redaction and a door's key reader, which differ only in
 * when they ask the readers. @internal
 */
export function liveTreeKeySources(
  config: KeyedConfig | undefined,
  turnsOf: TurnsOf,
): { readonly learns: boolean; current(): readonly (() => readonly string[])[] } {
  const learned: ReadonlySet<object>[] = [];
  let sources = treeKeySources(config, turnsOf, learned);
  let size = learnedSize(learned);
  return {
    learns: learned.length > 0,
    current() {
      if (learned.length > 0 && learnedSize(learned) !== size) {
        learned.length = 0;
        sources = treeKeySources(config, turnsOf, learned);
        size = learnedSize(learned);
      }
      return sources;
    },
  };
}

/** The keys `sources` name now, each once. @internal */
export function keysOf(sources: readonly (() => readonly string[])[]): string[] {
  const keys = new Set<string>();
  for (const secrets of sources) for (const key of secrets()) keys.add(key);
  return [...keys];
}

/** How many receivers the `learned` sets of a walk hold: the walk is stale when this changes. */
function learnedSize(learned: readonly ReadonlySet<object>[]): number {
  let size = 0;
  for (const set of learned) size += set.size;
  return size;
}

/**
 * The agent a tool made by `handoff()` hands to (the `receiver` of the plugin it carries,
 * `composition/handoff-receiver.ts`' `HandoffPlugin`); `undefined` for any other tool. Read here,
 * below the features: the loop's observers walk the tree too. @internal
 */
export function handoffReceiverOf(tool: object): object | undefined {
  const plugin = (tool as { plugin?: { receiver?: { agent?: object } } }).plugin;
  return typeof plugin === 'object' && plugin !== null ? plugin.receiver?.agent : undefined;
}
