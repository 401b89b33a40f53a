import { GemloopError } from '../../errors/gemloop-error.ts';
import type { AgentRunState } from '../../run/agent-result.ts';

// why (brand): a registered symbol, so `isInstance` knows this error from another copy of gemloop.
const marker = Symbol.for('gemloop.agent-run-error');

/** Options every {@link AgentRunError} takes. */
export type AgentRunErrorOptions = {
  message: string;
  /** The run's history, steps and usage when it failed. */
  run: AgentRunState;
  cause?: unknown;
};

/**
 * The base of the errors a run throws once it has started: each carries `run`, the history (always
 * consistent: every function call is answered), the steps and the usage so far, so nothing is lost
 * and the conversation can be continued from `error.run.contents`.
 *
 * `run` is not enumerable and `toJSON()` shows only its size: a history with search results and
 * thought signatures runs to megabytes, which has no place in a log line.
 */
export class AgentRunError extends GemloopError {
  /** `agent-run` for a failing hook (`onStepEnd`, `beforeToolCall`); subclasses have their own. */
  override readonly code: string = 'agent-run';
  declare readonly run: AgentRunState;

  constructor({ message, run, cause }: AgentRunErrorOptions) {
    super({ message, cause });
    Object.defineProperty(this, 'run', { value: run, enumerable: false });
    Object.defineProperty(this, marker, { value: true });
  }

  /** Whether `error` is an agent run error (any subclass), from any copy of the package. */
  static override isInstance(error: unknown): error is AgentRunError {
    return (
      GemloopError.isInstance(error) &&
      (error as unknown as Record<symbol, unknown>)[marker] === true
    );
  }

  override toJSON(): Record<string, unknown> {
    let json: Record<string, unknown>;
    try {
      json = super.toJSON();
    } catch {
      // A cause that cannot become a string (an object without a prototype, as test runners make
      // when they serialise causes) must not make the error itself unprintable.
      json = { name: this.name, code: this.code, message: this.message };
    }
    json['run'] = {
      contents: this.run.contents.length,
      newContents: this.run.newContents.length,
      steps: this.run.steps.length,
      usage: this.run.usage,
    };
    return json;
  }
}
