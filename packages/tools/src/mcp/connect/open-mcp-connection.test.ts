import { afterEach, describe, expect, it, vi } from 'vitest';
import { captureError } from '../__fixtures__/mcp-test-helpers.ts';
import { McpServerError } from '../errors/mcp-server-error.ts';
import type { McpRequestOptions } from '../tools/mcp-client.ts';
import type { OpenMcpConnectionOptions } from './open-mcp-connection.ts';
import { openMcpConnection } from './open-mcp-connection.ts';

/**
 * A client that completes the handshake and never answers tools/list, failing the request only
 * when its time limit passes, as the SDK does (60 s when none is given).
 */
class SilentListClient {
  static closed = 0;
  async connect(): Promise<void> {}
  getServerVersion(): { name: string; version: string } {
    return { name: 'silent', version: '1.0.0' };
  }
  listTools(_params: unknown, options?: McpRequestOptions): Promise<never> {
    return new Promise((_resolve, reject) => {
      setTimeout(
        () =>
          reject(Object.assign(new Error('MCP error -32001: Request timed out'), { code: -32001 })),
        options?.timeout ?? 60_000,
      );
    });
  }
  async callTool(): Promise<never> {
    throw new Error('not listed');
  }
  async close(): Promise<void> {
    SilentListClient.closed++;
  }
}

afterEach(() => {
  vi.useRealTimers();
});

describe('openMcpConnection', () => {
  it('gives up on a server that never answers tools/list within connectTimeoutMs, and closes it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let error: McpServerError | undefined;
    const opening = captureError(
      openMcpConnection({
        Client: SilentListClient as unknown as OpenMcpConnectionOptions['Client'],
        transport: {} as OpenMcpConnectionOptions['transport'],
        options: { connectTimeoutMs: 500 },
        server: 'server "silent" (stdio)',
        redact: (text) => text,
        toConnectError: (error) => {
          throw error;
        },
      }),
    ).then((caught) => {
      error = caught as McpServerError;
    });
    await vi.advanceTimersByTimeAsync(500);
    // Without the limit the listing would still be waiting for the SDK's 60 s.
    expect(McpServerError.isInstance(error)).toBe(true);
    expect(error?.reason).toBe('list-failed');
    expect(error?.message).toBe(
      'The MCP server "silent" did not answer tools/list within 500 ms (page 1).',
    );
    expect(SilentListClient.closed).toBe(1);
    await opening;
  });
});
