import { GemloopError } from '../../errors/gemloop-error.ts';
import { AgentRunError } from './agent-run-error.ts';
import type { ToolErrorFields } from './tool-error-fields.ts';

/**
 * The model called a function the agent does not declare (with `toolErrors: 'throw'`; by default
 * the model gets an error response listing the available tools instead).
 */
export class UnknownToolError extends AgentRunError {
  override readonly code = 'unknown-tool';
  readonly toolName: string;
  readonly toolCallId: string;
  readonly args: Record<string, unknown>;
  /** The function tools the model may call. */
  readonly availableTools: string[];

  constructor(options: ToolErrorFields & { availableTools: string[]; message: string }) {
    super({ message: options.message, run: options.run, cause: options.cause });
    this.toolName = options.toolName;
    this.toolCallId = options.toolCallId;
    this.args = options.args;
    this.availableTools = options.availableTools;
  }

  static override isInstance(error: unknown): error is UnknownToolError {
    return GemloopError.hasCode(error, 'unknown-tool');
  }
}
