import { GemloopError } from '@gemloop/core/errors';

/**
 * The MCP door was closed with `door.close()` (or `doors.close()` of `mountDoors`): it serves no
 * new connection. `connect` and `connectStdio` after the close reject with this error, the
 * transport they were given closed; its HTTP handler answers every request 503 with fixed words.
 */
export class McpDoorClosedError extends GemloopError {
  override readonly code = 'mcp-door-closed';
  /** What was asked of the closed door. */
  readonly operation: 'connect';

  constructor({ operation }: { operation: 'connect' }) {
    super({
      message:
        'The MCP door was closed with close(), so it serves no new connection. Create another with createMcpServer() to serve again.',
    });
    this.operation = operation;
  }

  static override isInstance(error: unknown): error is McpDoorClosedError {
    return GemloopError.hasCode(error, 'mcp-door-closed');
  }
}
