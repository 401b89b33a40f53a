import type { Content } from '../wire/content.ts';
import type { HandoffTarget } from './agent-turns.ts';
import type { HandOffDecision } from './plugins/run-plugins.ts';
import type { TurnsOf } from './plugins/run-view/plugin-run-view.ts';
import type { HandOffAgents } from './plugins/run-view/run-services.ts';
import { receiverEntries } from './tree-keys.ts';

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
export function handOffName(decision: HandOffDecision, turnsOf: TurnsOf): string {
  return (
    declaredName(decision, undefined) ??
    decision.outcome.name ??
    turnsOf(decision.outcome.to)?.name ??
    'agent'
  );
}

/**
 * The name under which the handing plugin declares `to` in its `receivers` (the hand-off's own
 * `name` when given: it must be that name's agent), or `undefined` when it does not. With a
 * runner's {@link HandOffAgents}, `to` may be the runner's copy (a recorded hook's replay): the
 * same agent when it has the declared one's key.
 */
function declaredName(
  { outcome, receivers }: HandOffDecision,
  agents: HandOffAgents | undefined,
): string | undefined {
  const declared = receiverEntries(receivers);
  if (declared.length === 0) return undefined;
  const key = agents?.keyOf(outcome.to);
  const same = (agent: object): boolean => {
    if (agent === outcome.to) return true;
    if (agents === undefined) return false;
    try {
      return agents.keyOf(agent) === key;
    } catch {
      return false;
    }
  };
  for (const [name, agent] of declared)
    if ((outcome.name === undefined || outcome.name === name) && same(agent)) return name;
  return undefined;
}

/**
 * The agent a plugin's `{ type: 'hand-off', to }` names, as a run can continue with it: its config
 * and runtime (through `agentTurnsOf`: `to` is the public agent), or, with a runner's
 * {@link HandOffAgents}, of the runner's copy of it. A message saying why not when the plugin does
 * not declare `to` among its `receivers`, when `to` is not an agent `createAgent` made, or when
 * the run was handed off `limit` times already (`handedOff`: how many times so far; `limit`: the
 * handing agent's `maxHandOffs`, unbounded when left out).
 * @internal
 */
export function resolveHandOff(
  decision: HandOffDecision,
  turnsOf: TurnsOf,
  agents: HandOffAgents | undefined,
  handedOff = 0,
  limit: number = Number.POSITIVE_INFINITY,
): ResolvedHandOff | string {
  const { plugin, outcome } = decision;
  if (handedOff >= limit)
    return `plugin "${plugin}" handed the run off once more after ${handedOff} hand-offs, more than the agent's maxHandOffs (${limit}) allows (agents that hand a run back and forth would call models without end); end the run instead, start a new run, or raise the handing agent's maxHandOffs option`;
  // Declared before the run (the key walk, a chat session and a durable worker find it there):
  // an agent named only when the hand-off happens would be unknown to them.
  const notAgent = `plugin "${plugin}" handed the run to an object that is not an agent made by createAgent (a run continues with the receiving agent's config)`;
  if (agents === undefined && turnsOf(outcome.to)?.handoffTarget === undefined) return notAgent;
  const name = declaredName(decision, agents);
  if (name === undefined) return undeclared(decision, turnsOf);
  // A runner's own copy of the agent (a durable one: its calls recorded steps); its typed error
  // when it does not know the agent goes on as it is.
  const to = agents === undefined ? outcome.to : agents.agentOf(agents.keyOf(outcome.to));
  const target = turnsOf(to)?.handoffTarget?.(name) as HandoffTarget | undefined;
  if (target === undefined) return notAgent;
  return { plugin, target, filter: outcome.filter, contents: outcome.contents };
}

/** Why a hand-off to an agent its plugin does not declare is refused, and how to declare it. */
function undeclared({ plugin, outcome, receivers }: HandOffDecision, turnsOf: TurnsOf): string {
  const agentName = turnsOf(outcome.to)?.name;
  const name = outcome.name ?? agentName ?? 'agent';
  const called = JSON.stringify(name);
  const agent =
    agentName === undefined ? 'an agent with no name option' : `agent ${JSON.stringify(agentName)}`;
  const given = receiverEntries(receivers).some(([declared]) => declared === outcome.name)
    ? ` (its receivers name another agent ${called})`
    : '';
  const key = /^[A-Za-z_$][\w$]*$/.test(name) ? name : called;
  return `plugin "${plugin}" handed the run to ${agent} under the name ${called}, which its receivers do not declare${given}: declare it where the plugin is made (definePlugin({ name: ${JSON.stringify(plugin)}, receivers: { ${key}: agent }, ... })), so the doors hold back its client's key from the first event, and a chat session and a durable worker find the agent holding the conversation by that name`;
}
