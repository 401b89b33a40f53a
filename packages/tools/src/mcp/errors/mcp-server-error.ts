import { GemloopError } from '@gemloop/core';

/** What went wrong with an MCP server, outside of a single tool call. */
export type McpServerErrorReason =
  /** `@modelcontextprotocol/sdk` is not installed (it is an optional peer of `@gemloop/tools`). */
  | 'sdk-not-installed'
  /** The stdio server's process could not be spawned (command not found, not executable). */
  | 'start-failed'
  /** The server did not complete the MCP handshake: it exited, refused, timed out or answered an HTTP error. */
  | 'connect-failed'
  /** `tools/list` failed or returned something that is not a tool list. */
  | 'list-failed'
  /** A listed tool cannot be offered to Gemini: its input schema (or its name) is unusable. */
  | 'invalid-tool';

/**
 * An MCP server could not be used: it did not start, did not connect, or listed tools gemloop
 * cannot declare. Carries the server's description (never its headers, arguments or environment),
 * and, for stdio servers, the end of what the server wrote to stderr.
 */
export class McpServerError extends GemloopError {
  override readonly code = 'mcp-server';
  readonly reason: McpServerErrorReason;
  /** A safe description of the server, e.g. `stdio server "node"` or `http://127.0.0.1:3000/mcp`. */
  readonly server: string;
  /** The MCP name of the tool at fault (`invalid-tool`). */
  readonly toolName: string | undefined;
  /** The HTTP status the server answered, when it answered one. */
  readonly status: number | undefined;
  /** The last lines the stdio server wrote to stderr, with known secrets replaced. */
  readonly stderr: string | undefined;

  constructor(options: {
    reason: McpServerErrorReason;
    server: string;
    message: string;
    toolName?: string | undefined;
    status?: number | undefined;
    stderr?: string | undefined;
    cause?: unknown;
  }) {
    super({ message: options.message, cause: options.cause });
    this.reason = options.reason;
    this.server = options.server;
    this.toolName = options.toolName;
    this.status = options.status;
    this.stderr = options.stderr;
  }

  static override isInstance(error: unknown): error is McpServerError {
    return GemloopError.hasCode(error, 'mcp-server');
  }
}
