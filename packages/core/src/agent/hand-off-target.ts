import type { Content } from '../wire/content.ts';
import type { HandoffTarget } from './agent-turns.ts';
import type { HandOffDecision } from './plugins/run-plugins.ts';
import type { TurnsOf } from './plugins/run-view/plugin-run-view.ts';
import type { HandOffAgents } from './plugins/run-view/run-services.ts';

/** A plugin's hand-off with the agent it names resolved: what the loop gives the run to. @internal */
export type ResolvedHandOff = {
  /** The plugin that handed off. */
  readonly plugin: string;
  readonly target: HandoffTarget;
  readonly filter: ((contents: readonly Content[], from: number) => Content[]) | undefined;
  /** User contents appended after the (filtered) history (a hand-off after an answer). */
  readonly contents: readonly Content[] | undefined;
};

/** The name the receiving agent of a hand-off goes by (its `name`, else the agent's). @internal */
export function handOffName({ outcome }: HandOffDecision, turnsOf: TurnsOf): string {
  return outcome.name ?? turnsOf(outcome.to)?.name ?? 'agent';
}

/**
 * The agent a plugin's `{ type: 'hand-off', to }` names, as a run can continue with it: its config
 * and runtime (through `agentTurnsOf`: `to` is the public agent), or, with a runner's
 * {@link HandOffAgents}, of the runner's copy of it. A message saying why not when `to` is not an
 * agent `createAgent` made, or when the run was handed off `limit` times already (`handedOff`:
 * how many times so far; `limit`: the handing agent's `maxHandOffs`, unbounded when left out).
 * @internal
 */
export function resolveHandOff(
  { plugin, outcome }: HandOffDecision,
  turnsOf: TurnsOf,
  agents: HandOffAgents | undefined,
  handedOff = 0,
  limit: number = Number.POSITIVE_INFINITY,
): ResolvedHandOff | string {
  if (handedOff >= limit)
    return `plugin "${plugin}" handed the run off once more after ${handedOff} hand-offs, more than the agent's maxHandOffs (${limit}) allows (agents that hand a run back and forth would call models without end); end the run instead, start a new run, or raise the handing agent's maxHandOffs option`;
  // A runner's own copy of the agent (a durable one: its calls recorded steps); its typed error
  // when it does not know the agent goes on as it is.
  const to = agents === undefined ? outcome.to : agents.agentOf(agents.keyOf(outcome.to));
  const target = turnsOf(to)?.handoffTarget?.(outcome.name) as HandoffTarget | undefined;
  if (target === undefined)
    return `plugin "${plugin}" handed the run to an object that is not an agent made by createAgent (a run continues with the receiving agent's config)`;
  return { plugin, target, filter: outcome.filter, contents: outcome.contents };
}
