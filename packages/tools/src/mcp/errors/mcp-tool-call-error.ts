import { GemloopError } from '@gemloop/core';

/** Why an MCP tool call failed. */
export type McpToolCallErrorReason =
  /** The tool ran and reported a failure (`isError: true`); the message is the tool's own text. */
  | 'tool-error'
  /** The connection closed during the call or before it: the server exited, crashed or was closed. */
  | 'connection-closed'
  /** The MCP SDK's own request time limit passed (`timeoutMs` of the MCP tools). */
  | 'timeout'
  /** The server answered with a JSON-RPC error (unknown tool, invalid params, internal error). */
  | 'protocol-error'
  /**
   * The server's answer was larger than `maxResponseBytes` (of `connectMcpHttp`: a JSON body, or
   * one event of its stream; of `connectMcpStdio`: one line of its stdout, the process then ended).
   * The rest was not read.
   */
  | 'response-too-large'
  /** Anything else the client threw (an invalid result, a transport failure). */
  | 'failed';

/**
 * An MCP tool call failed. Thrown from the tool's `execute`, so the agent loop reports it to the
 * model as an error `functionResponse` (the message is written for the model to read) instead of
 * ending the run.
 */
export class McpToolCallError extends GemloopError {
  override readonly code = 'mcp-tool-call';
  readonly reason: McpToolCallErrorReason;
  /** The tool's gemloop (Gemini function) name. */
  readonly toolName: string;
  /** The tool's name on the MCP server. */
  readonly mcpToolName: string;
  readonly toolCallId: string;
  readonly server: string;
  /** The JSON-RPC error code, for `protocol-error`, `timeout` and `connection-closed`. */
  readonly rpcCode: number | undefined;
  /**
   * The `structuredContent` of an `isError` result, when the tool sent one: the server's words,
   * so any secret of the connection in it is `[redacted]` (in a copy), and when its JSON is past
   * `MAX_MCP_TOOL_ERROR_TEXT_LENGTH` characters it is `{ gemloopCut: '<that JSON, cut>' }`.
   */
  readonly structuredContent: Record<string, unknown> | undefined;

  constructor(options: {
    reason: McpToolCallErrorReason;
    toolName: string;
    mcpToolName: string;
    toolCallId: string;
    server: string;
    message: string;
    rpcCode?: number | undefined;
    structuredContent?: Record<string, unknown> | undefined;
    cause?: unknown;
  }) {
    super({ message: options.message, cause: options.cause });
    this.reason = options.reason;
    this.toolName = options.toolName;
    this.mcpToolName = options.mcpToolName;
    this.toolCallId = options.toolCallId;
    this.server = options.server;
    this.rpcCode = options.rpcCode;
    this.structuredContent = options.structuredContent;
  }

  static override isInstance(error: unknown): error is McpToolCallError {
    return GemloopError.hasCode(error, 'mcp-tool-call');
  }
}
