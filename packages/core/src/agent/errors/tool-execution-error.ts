import { GemloopError } from '../../errors/gemloop-error.ts';
import { AgentRunError } from './agent-run-error.ts';
import type { ToolErrorFields } from './tool-error-fields.ts';

/**
 * A tool's `execute` threw (with `toolErrors: 'throw'`; by default the message goes back to the
 * model as an error response instead). `cause` is what it threw.
 */
export class ToolExecutionError extends AgentRunError {
  override readonly code = 'tool-execution';
  readonly toolName: string;
  readonly toolCallId: string;
  readonly args: Record<string, unknown>;

  constructor(options: ToolErrorFields & { message: string }) {
    super({ message: options.message, run: options.run, cause: options.cause });
    this.toolName = options.toolName;
    this.toolCallId = options.toolCallId;
    this.args = options.args;
  }

  static override isInstance(error: unknown): error is ToolExecutionError {
    return GemloopError.hasCode(error, 'tool-execution');
  }
}
