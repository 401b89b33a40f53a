import type { HandOffAgents, StoredHandOffAgent } from '../run-view/run-services.ts';

// A hand-off a recorded hook returned goes into the runner's record as JSON: its agent as the
// runner's key (an agent is not JSON, and a replay in another process must find the same one).

/**
 * Whether `value` is a hand-off whose `to` is an object (checkHandOff says what else is wrong).
 * @internal
 */
export function handOffTo(value: unknown): object | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if ((value as { type?: unknown }).type !== 'hand-off') return undefined;
  const { to } = value as { to?: unknown };
  return typeof to === 'object' && to !== null ? to : undefined;
}

/**
 * A recorded hook's value as the runner stores it: a hand-off's agent replaced by its key. Other
 * values, and every value without {@link HandOffAgents}, as they are.
 * @throws Error when the hand-off carries a `filter` (a function is not stored, and a replay
 *   would hand over without it), or when the runner does not know the agent (`keyOf`'s error).
 * @internal
 */
export function toStoredHandOff(value: unknown, agents: HandOffAgents | undefined): unknown {
  const to = agents === undefined ? undefined : handOffTo(value);
  if (to === undefined) return value;
  if ((value as { filter?: unknown }).filter !== undefined) {
    throw new Error(
      "a recorded hook's hand-off cannot carry a `filter`: the hook's result is stored as JSON and a function is not, so a replay would hand over without it. Return the hand-off from a hook that is not `recorded` (record what decides it in another hook), or leave the filter out.",
    );
  }
  const stored: StoredHandOffAgent = { handOffAgent: (agents as HandOffAgents).keyOf(to) };
  return { ...(value as object), to: stored };
}

/**
 * A recorded hook's stored value as the run uses it: a hand-off's key resolved to the runner's
 * agent (`agentOf`, which throws a typed error for a key this runner does not know).
 * @internal
 */
export function fromStoredHandOff(value: unknown, agents: HandOffAgents | undefined): unknown {
  const to = agents === undefined ? undefined : handOffTo(value);
  const key = (to as Partial<StoredHandOffAgent> | undefined)?.handOffAgent;
  if (typeof key !== 'string') return value;
  return { ...(value as object), to: (agents as HandOffAgents).agentOf(key) };
}
