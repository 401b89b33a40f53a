import type { TurnsOf } from './plugins/run-view/plugin-run-view.ts';
import { childAgentOf } from './run-state/run-link.ts';

/**
 * What the key walk reads of an agent's resolved config (`AgentConfig`): its client's keys
 * (`ModelCallEntry.secrets`) and its function tools. @internal
 */
export type KeyedConfig = {
  readonly modelCall: { readonly secrets?: (() => readonly string[]) | undefined };
  readonly tools: { readonly functions: { values(): Iterable<object> } };
};

// Bounds of the walk: an agent tree is the user's code, but a cycle of hand-offs or a generated
// fleet must not make a door's first event walk without end. Past 256 agents the rest is not
// walked (a tree that large is not one a door serves); 256 keys of 8+ characters each is what
// KeyHold can hold back per delta without a measurable cost (RESULTS.md, key-leaks2).
const MAX_AGENTS = 256;
const MAX_KEYS = 256;

/**
 * The keys of every client a run of `config`'s agent can reach: its own, and those of the agents
 * its subagent tools start and its `handoff()` tools hand to, through theirs in turn (each agent
 * once). A model of any of them may write its client's key into the run's events, its result and
 * its history (a child's answer is the parent's tool output), so a door's hold-back and the
 * observers' redaction take them all. Read at each call: a client may learn a credential later.
 * A hand-off a plugin of your own makes to an agent no tool names is not seen here (the walk
 * knows agents from the tools, before the run). `turnsOf` finds an agent's config
 * (`agentTurnsOf`, handed in: the loop may not import it). @internal
 */
export function treeKeysOf(config: KeyedConfig | undefined, turnsOf: TurnsOf): string[] {
  return keysOf(treeKeySources(config, turnsOf));
}

/**
 * The key readers (`ModelCallEntry.secrets`) of the clients {@link treeKeysOf} reaches, each
 * once: a caller that asks for the keys at each event (a durable run's stream, whose tree's
 * clients may have none yet) walks the tree once and asks only these (see {@link keysOf}).
 * @internal
 */
export function treeKeySources(
  config: KeyedConfig | undefined,
  turnsOf: TurnsOf,
): (() => readonly string[])[] {
  const sources: (() => readonly string[])[] = [];
  if (config === undefined) return sources;
  const seen = new Set<object>([config]);
  const queue: KeyedConfig[] = [config];
  for (let at = 0; at < queue.length && at < MAX_AGENTS; at++) {
    const next = queue[at] as KeyedConfig;
    const secrets = next.modelCall.secrets;
    if (secrets !== undefined && !sources.includes(secrets)) sources.push(secrets);
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
  }
  return sources;
}

/** The keys `sources` name now, each once, at most {@link MAX_KEYS}. @internal */
export function keysOf(sources: readonly (() => readonly string[])[]): string[] {
  const keys: string[] = [];
  for (const secrets of sources)
    for (const key of secrets()) if (keys.length < MAX_KEYS && !keys.includes(key)) keys.push(key);
  return keys;
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
