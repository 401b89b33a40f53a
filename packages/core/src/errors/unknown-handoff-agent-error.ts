import { cutText } from '../shared/cut-text.ts';
import { GemloopError } from './gemloop-error.ts';

/** Longest agent name an error shows. */
const MAX_NAME_LENGTH = 100;

/** Options of {@link UnknownHandoffAgentError}. */
export type UnknownHandoffAgentErrorOptions = {
  /** The agent's name (its `name` option), or the key a recorded hand-off stored. */
  agent: string;
  /** The chat session whose stored conversation names the agent (a chat send's). */
  sessionId?: string | undefined;
  message?: string | undefined;
  /** What failed (a durable chat turn's `DurableRunError`). */
  cause?: unknown;
};

/**
 * A conversation is held by an agent this process cannot find, so it is not sent to another:
 * a chat session's stored last turn (or a durable chat turn's `holder`) names an agent a
 * hand-off gave the conversation to, and no handoff of the session's agent reaches it (the team
 * changed, or another version of the app holds the conversation); nothing was sent or saved.
 * Declare the agent again (`handoff(agent)` in the session agent's tools, or a plugin's
 * receivers), or start a new session. In a durable run: the run handed off to an agent this
 * worker does not know, or a replay met a recorded hand-off whose agent key this worker does not
 * register. A durable worker runs a hand-off's
 * receiving agent as its own copy (its model and tool calls recorded steps) found by a stable key:
 * the agents of `handoff()` tools in its agents' tools (and theirs) are found by their handoff
 * name; an agent only a plugin hands off to is registered with
 * `startDurableWorker({ handoffAgents: { <name>: agent } })`, the same on every worker of the
 * fleet.
 */
export class UnknownHandoffAgentError extends GemloopError {
  override readonly code: string = 'unknown-handoff-agent';
  readonly agent: string;
  /** The chat session, when a chat send threw it. */
  readonly sessionId: string | undefined;

  constructor({ agent: given, sessionId, message, cause }: UnknownHandoffAgentErrorOptions) {
    // A key read back from a run's record: bounded where it is shown.
    const agent = given.length > MAX_NAME_LENGTH ? `${cutText(given, MAX_NAME_LENGTH)}…` : given;
    super({
      message:
        message ??
        `This durable worker does not know the agent "${agent}" the run hands off to. The agents of handoff() tools are found in the tools of the worker's agents; an agent only a plugin hands off to must be registered on every worker of the fleet: startDurableWorker({ handoffAgents: { ${JSON.stringify(agent)}: agent } }).`,
      cause,
    });
    this.agent = agent;
    this.sessionId = sessionId;
  }

  /** Whether `error` is an {@link UnknownHandoffAgentError}, from any copy of the package. */
  static override isInstance(error: unknown): error is UnknownHandoffAgentError {
    return GemloopError.hasCode(error, 'unknown-handoff-agent');
  }
}
