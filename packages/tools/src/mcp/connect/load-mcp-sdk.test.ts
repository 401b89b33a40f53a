import { describe, expect, it, vi } from 'vitest';

const loads = vi.hoisted(() => ({ count: 0 }));

// Stands in for an install without the optional peer: every load of the SDK's client module is
// counted, and using it fails the way Node fails for a missing package. (Throwing from the factory
// itself would make vitest report a mocking error of its own.)
vi.mock('@modelcontextprotocol/sdk/client/index.js', () => {
  loads.count++;
  return {
    get Client(): never {
      throw Object.assign(new Error("Cannot find package '@modelcontextprotocol/sdk'"), {
        code: 'ERR_MODULE_NOT_FOUND',
      });
    },
  };
});

describe('loading the MCP SDK', () => {
  it('does not happen when @gemloop/tools is imported', async () => {
    const tools = await import('../../index.ts');
    expect(tools.connectMcpStdio).toBeTypeOf('function');
    expect(tools.createMcpTools).toBeTypeOf('function');
    expect(loads.count).toBe(0);
  });

  it('happens on connect, and a missing SDK says how to install it', async () => {
    const { connectMcpStdio, McpServerError } = await import('../../index.ts');
    // Not the shared test helpers: they import the SDK themselves.
    const error = (await connectMcpStdio({ command: 'node' }).catch(
      (caught: unknown) => caught,
    )) as InstanceType<typeof McpServerError>;
    expect(loads.count).toBe(1);
    expect(McpServerError.isInstance(error)).toBe(true);
    expect(error.reason).toBe('sdk-not-installed');
    expect(error.message).toContain('npm install @modelcontextprotocol/sdk');
  });
});
