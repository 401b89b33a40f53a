import { GemloopError } from '../../errors/gemloop-error.ts';
import { AgentRunError } from './agent-run-error.ts';
import type { ToolErrorFields } from './tool-error-fields.ts';

/**
 * A tool call passed its time limit (the tool's `timeoutMs`, else the agent's `toolTimeoutMs`), with
 * `toolErrors: 'throw'`. Its `execute` got an aborted signal.
 */
export class ToolTimeoutError extends AgentRunError {
  override readonly code = 'tool-timeout';
  readonly toolName: string;
  readonly toolCallId: string;
  readonly args: Record<string, unknown>;
  readonly timeoutMs: number;

  constructor(options: ToolErrorFields & { timeoutMs: number; message: string }) {
    super({ message: options.message, run: options.run, cause: options.cause });
    this.toolName = options.toolName;
    this.toolCallId = options.toolCallId;
    this.args = options.args;
    this.timeoutMs = options.timeoutMs;
  }

  static override isInstance(error: unknown): error is ToolTimeoutError {
    return GemloopError.hasCode(error, 'tool-timeout');
  }
}
