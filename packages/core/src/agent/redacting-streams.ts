import type { KeyedConfig } from './tree-keys.ts';

// Keyed by the stream object, not a property on it: nothing shows on the public `AgentStream`
// (CONTRIBUTING: no symbol-keyed property on a public object carries data between layers). Kept
// (issue 53 item 6): no signature can carry it, the user hands the stream to the page helpers
// (browser-run.ts) and the doors, and a wrapper could copy a marker but not the stream's identity.
// why (kept): see the reason above.
const redacting = new WeakMap<object, KeySource>();

/**
 * Where a stream's client keys are read, at each use (a client may learn a credential later): the
 * config of the agent that made the stream, an object that lives as long as the agent; the doors
 * walk from it to the clients of its subagents and hand-off receivers (`treeKeysOf`). Not a
 * closure made per stream: a young value for each stream's entry cost the default
 * `agent.stream()` +31 µs a step (ABBA, node transport, 2026-11-27), nothing with a long-lived one.
 * @internal
 */
export type KeySource = KeyedConfig | undefined;

/**
 * Records that `stream` is one gemloop made: each of its `tool-call` events carries
 * `redactedArgs` when its tool declares secret arguments that the call holds (made with the event,
 * by the agent whose tool it is, at any depth of the run's tree; `secret-arguments.attacks.test.ts`),
 * so a page may show `redactedArgs ?? args`; and `keys`, where its client's keys are read, which
 * the doors keep from what they send (`keylessEvents`). @internal
 */
export function markRedactingStream(stream: object, keys?: KeySource): void {
  redacting.set(stream, keys);
}

/**
 * Whether `stream` is one gemloop made (see {@link markRedactingStream}); `false` for a stream it
 * does not know (a wrapper), whose arguments the caller should not pass on. @internal
 */
export function isRedactingStream(stream: object): boolean {
  return redacting.has(stream);
}

/** Where the keys of `stream`'s clients are read (nothing for a stream gemloop did not make). @internal */
export function keySourceOf(stream: object): KeySource {
  return redacting.get(stream);
}

/**
 * Where a run's keys are walked from (`treeKeySources`): `config`, or, for a run with plugins of
 * its own (a chat session's), a root that adds them to the agent's, whose declared receivers
 * (`AgentPlugin.receivers`) the run may hand to. Here, not in tree-keys.ts: the root import
 * reaches this module, and the walk loads with the doors and observers. @internal
 */
export function keyRootOf(
  config: KeyedConfig,
  plugins: readonly object[] | undefined,
): KeyedConfig {
  if (plugins === undefined || plugins.length === 0) return config;
  const own = config.plugins?.plugins ?? [];
  return {
    modelCall: config.modelCall,
    tools: config.tools,
    plugins: { plugins: [...own, ...plugins] },
  };
}
