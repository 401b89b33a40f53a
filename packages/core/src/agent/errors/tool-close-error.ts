import { GemloopError } from '../../errors/gemloop-error.ts';
import { describeThrown } from '../../shared/describe-thrown.ts';

/** One close function that failed, with the tools that share it (all tools of one connection). */
export type ToolCloseFailure = {
  /** The names of the tools whose `close` this is. */
  toolNames: readonly string[];
  /** What the close threw or rejected with. */
  cause: unknown;
};

/**
 * Closing an agent's tools failed for some of them (`agent.close()`). Every close was attempted,
 * and waited for, before this was thrown: a failing close never keeps the others from running.
 * Like an `AggregateError`, `errors` holds each thrown value; `failures` names the tools of each.
 */
export class ToolCloseError extends GemloopError {
  override readonly code = 'tool-close';
  readonly failures: readonly ToolCloseFailure[];
  /** Each failure's cause, in the order of `failures` (as `AggregateError.errors`). */
  readonly errors: readonly unknown[];

  constructor({ failures, closes }: { failures: readonly ToolCloseFailure[]; closes: number }) {
    const listed = failures
      .map(({ toolNames, cause }) => `${toolNames.join(', ')} (${describeThrown(cause)})`)
      .join('; ');
    super({
      message: `Closing the agent's tools failed for ${failures.length} of ${closes} close function(s): ${listed}. Every close was attempted; error.failures holds each cause with its tools.`,
      cause: failures[0]?.cause,
    });
    this.failures = failures;
    this.errors = failures.map((failure) => failure.cause);
  }

  static override isInstance(error: unknown): error is ToolCloseError {
    return GemloopError.hasCode(error, 'tool-close');
  }

  /** `failures` with each cause as `{ name, message }` (an `Error` alone stringifies to `{}`). */
  override toJSON(): Record<string, unknown> {
    const json = super.toJSON();
    json['failures'] = this.failures.map(({ toolNames, cause }) => ({
      toolNames,
      cause:
        cause instanceof Error
          ? { name: cause.name, message: describeThrown(cause) }
          : describeThrown(cause),
    }));
    delete json['errors'];
    return json;
  }
}
