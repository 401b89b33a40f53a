import { GemloopError } from '../../errors/gemloop-error.ts';

/**
 * The agent was closed with `agent.close()` (or `await using`): its tools' connections are shut,
 * so it runs nothing more. A `run`, `stream` or chat send started after `close()` fails with this
 * error before any request; a run that was in flight when `close()` was called is aborted and
 * fails with an `AgentAbortedError` whose `cause` is this error (its `run.contents` hold the
 * consistent history so far, to continue with another agent).
 */
export class AgentClosedError extends GemloopError {
  override readonly code = 'agent-closed';
  /** The model of the closed agent. */
  readonly model: string;
  /** Whether a run was in flight when the agent closed (it was aborted), or started after. */
  readonly inFlight: boolean;

  constructor({ model, inFlight }: { model: string; inFlight: boolean }) {
    super({
      message: inFlight
        ? `The agent (model "${model}") was closed with agent.close() while this run was in flight, so the run was aborted. Close an agent only once its runs are done, or continue the history with a new agent.`
        : `The agent (model "${model}") was closed with agent.close(), so it runs nothing more: its tools' connections are closed. Create a new agent with createAgent() to run again.`,
    });
    this.model = model;
    this.inFlight = inFlight;
  }

  static override isInstance(error: unknown): error is AgentClosedError {
    return GemloopError.hasCode(error, 'agent-closed');
  }
}
