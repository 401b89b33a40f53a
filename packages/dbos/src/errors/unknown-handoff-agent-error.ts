import { GemloopError } from '@gemloop/core';

/** Longest agent name an error shows. */
const MAX_NAME_LENGTH = 100;

/** Options of {@link UnknownHandoffAgentError}. */
export type UnknownHandoffAgentErrorOptions = {
  /** The agent's name (its `name` option), or the key a recorded hand-off stored. */
  agent: string;
  message?: string | undefined;
};

/**
 * A durable run handed off to an agent this worker does not know, or a replay met a recorded
 * hand-off whose agent key this worker does not register. A durable worker runs a hand-off's
 * receiving agent as its own copy (its model and tool calls recorded steps) found by a stable key:
 * the agents of `handoff()` tools in its agents' tools (and theirs) are found by their handoff
 * name; an agent only a plugin hands off to is registered with
 * `startDurableWorker({ handoffAgents: { <name>: agent } })`, the same on every worker of the
 * fleet.
 */
export class UnknownHandoffAgentError extends GemloopError {
  override readonly code: string = 'unknown-handoff-agent';
  readonly agent: string;

  constructor({ agent: given, message }: UnknownHandoffAgentErrorOptions) {
    // A key read back from a run's record: bounded where it is shown.
    const agent = given.length > MAX_NAME_LENGTH ? `${given.slice(0, MAX_NAME_LENGTH)}…` : given;
    super({
      message:
        message ??
        `This durable worker does not know the agent "${agent}" the run hands off to. The agents of handoff() tools are found in the tools of the worker's agents; an agent only a plugin hands off to must be registered on every worker of the fleet: startDurableWorker({ handoffAgents: { ${JSON.stringify(agent)}: agent } }).`,
    });
    this.agent = agent;
  }

  /** Whether `error` is an {@link UnknownHandoffAgentError}, from any copy of the package. */
  static override isInstance(error: unknown): error is UnknownHandoffAgentError {
    return GemloopError.hasCode(error, 'unknown-handoff-agent');
  }
}
