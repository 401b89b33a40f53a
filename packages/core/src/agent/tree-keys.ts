import type { TurnsOf } from './plugins/run-view/plugin-run-view.ts';
import { childAgentOf } from './run-state/run-link.ts';

/**
 * What the key walk reads of an agent's resolved config (`AgentConfig`): its client's keys
 * (`ModelCallEntry.secrets`), its function tools (subagents) and its plugins (the agents they
 * declare they hand to, `AgentPlugin.receivers`: a handoff tool's plugin among them). @internal
 */
export type KeyedConfig = {
  readonly modelCall: { readonly secrets?: (() => readonly string[]) | undefined };
  readonly tools: { readonly functions: { values(): Iterable<object> } };
  readonly plugins?: { readonly plugins: readonly object[] } | undefined;
};

// No cap on the walk (key-leaks3): each agent is walked once (`seen`), so a cycle of hand-offs
// ends, and a tree is as large as the user's code made it. A cap left the 257th client's key
// unheld; what many keys cost is KeyHold's tail scan per key and delta (RESULTS.md, key-leaks2:
// one key 81-113 µs, two 177-210 µs a 200-delta step), paid only by a tree that has them.

/**
 * The keys of every client a run of `config`'s agent can reach: its own, and those of the agents
 * its subagent tools start and its plugins hand to (declared in `receivers`: a `handoff()` tool's
 * plugin, a third party's), through theirs in turn (each agent once). A model of any of them may
 * write its client's key into the run's events, its result and its history (a child's answer is
 * the parent's tool output), so a door's hold-back and the observers' redaction take them all.
 * Read at each call: a client may learn a credential later. Every receiver is known before the
 * run: a hand-off to an agent its plugin does not declare is refused (`hand-off-target.ts`).
 * `turnsOf` finds an agent's config (`agentTurnsOf`, handed in: the loop may not import it).
 * @internal
 */
export function treeKeysOf(config: KeyedConfig | undefined, turnsOf: TurnsOf): string[] {
  return keysOf(treeKeySources(config, turnsOf));
}

/**
 * The key readers (`ModelCallEntry.secrets`) of the clients {@link treeKeysOf} reaches, each
 * once: a caller that asks for the keys at each event (a durable run's stream, whose tree's
 * clients may have none yet) walks the tree once and asks only these (see {@link keysOf}).
 * `plugins`: a run's own plugins (or a chat session's), whose receivers the run may reach too.
 * @internal
 */
export function treeKeySources(
  config: KeyedConfig | undefined,
  turnsOf: TurnsOf,
  plugins?: readonly object[] | undefined,
): (() => readonly string[])[] {
  const sources = new Set<() => readonly string[]>();
  if (config === undefined) return [];
  const seen = new Set<object>([config]);
  const queue: KeyedConfig[] = [config];
  const reach = (agent: object): void => {
    const target = turnsOf(agent)?.handoffTarget?.(undefined) as
      | { config?: KeyedConfig }
      | undefined;
    const reached = target?.config;
    if (reached === undefined || seen.has(reached)) return;
    seen.add(reached);
    queue.push(reached);
  };
  for (const [, agent] of declaredReceivers(plugins ?? [])) reach(agent);
  for (let at = 0; at < queue.length; at++) {
    const next = queue[at] as KeyedConfig;
    const secrets = next.modelCall.secrets;
    if (secrets !== undefined) sources.add(secrets);
    for (const tool of next.tools.functions.values()) {
      const agent = childAgentOf(tool);
      if (agent !== undefined) reach(agent);
    }
    for (const [, agent] of declaredReceivers(next.plugins?.plugins ?? [])) reach(agent);
  }
  return [...sources];
}

/** The keys `sources` name now, each once. @internal */
export function keysOf(sources: readonly (() => readonly string[])[]): string[] {
  const keys = new Set<string>();
  for (const secrets of sources) for (const key of secrets()) keys.add(key);
  return [...keys];
}

/**
 * The agents `plugins` declare they hand to (`AgentPlugin.receivers`, and their companions'), by
 * the name each goes by, in order: read below the features (the loop's observers walk the tree
 * too), and by a chat session and a durable worker, which find an agent holding a conversation
 * by that name. @internal
 */
export function declaredReceivers(plugins: Iterable<unknown>): [string, object][] {
  const found: [string, object][] = [];
  const field = (plugin: unknown, key: 'receivers' | 'companions'): unknown => {
    try {
      return (plugin as Record<string, unknown> | undefined)?.[key];
    } catch {
      return undefined;
    }
  };
  for (const plugin of plugins) {
    found.push(...receiverEntries(field(plugin, 'receivers')));
    const companions = field(plugin, 'companions');
    if (Array.isArray(companions))
      for (const companion of companions)
        found.push(...receiverEntries(field(companion, 'receivers')));
  }
  return found;
}

/**
 * The agents of one plugin's `receivers` (its object, or what its function returns now), by name;
 * what is not an object is left out (a hand-off to it is refused, `hand-off-target.ts`). @internal
 */
export function receiverEntries(receivers: unknown): [string, object][] {
  const found: [string, object][] = [];
  // A hostile plugin's fields (a proxy that throws) are refused with a typed error where the
  // run's plugins are checked; read here, before that check, they declare nothing.
  try {
    const given = typeof receivers === 'function' ? (receivers as () => unknown)() : receivers;
    if (typeof given !== 'object' || given === null) return found;
    for (const [name, agent] of Object.entries(given))
      if (typeof agent === 'object' && agent !== null) found.push([name, agent]);
  } catch {
    return [];
  }
  return found;
}
