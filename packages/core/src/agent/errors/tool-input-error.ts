import { GemloopError } from '../../errors/gemloop-error.ts';
import type { ToolArgumentIssue } from '../../tools/tool.ts';
import { AgentRunError } from './agent-run-error.ts';
import type { ToolErrorFields } from './tool-error-fields.ts';

/**
 * The model called a tool with arguments that fail its schema (with `toolErrors: 'throw'`; by
 * default the issues go back to the model as an error response instead).
 */
export class ToolInputError extends AgentRunError {
  override readonly code = 'tool-input';
  readonly toolName: string;
  readonly toolCallId: string;
  readonly args: Record<string, unknown>;
  /** Each failing argument, with its path. */
  readonly issues: ToolArgumentIssue[];

  constructor(options: ToolErrorFields & { issues: ToolArgumentIssue[]; message: string }) {
    super({ message: options.message, run: options.run, cause: options.cause });
    this.toolName = options.toolName;
    this.toolCallId = options.toolCallId;
    this.args = options.args;
    this.issues = options.issues;
  }

  static override isInstance(error: unknown): error is ToolInputError {
    return GemloopError.hasCode(error, 'tool-input');
  }
}
