import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { describe, expectTypeOf, it } from 'vitest';
import type { McpToolResult } from './call-mcp-tool.ts';
import type { McpTool } from './create-mcp-tools.ts';
import { createMcpTools } from './create-mcp-tools.ts';
import type { McpClient } from './mcp-client.ts';

describe('McpClient', () => {
  it('accepts the SDK Client as it is', () => {
    expectTypeOf<Client>().toExtend<McpClient>();
    expectTypeOf(createMcpTools).parameter(0).toEqualTypeOf<McpClient>();
  });

  it('makes tools that fit an agent tool list', () => {
    expectTypeOf<McpTool['kind']>().toEqualTypeOf<'function'>();
    expectTypeOf<ReturnType<McpTool['execute']>>().toEqualTypeOf<
      McpToolResult | Promise<McpToolResult>
    >();
    expectTypeOf<McpTool>().toExtend<import('@gemloop/core/tools').AnyTool>();
  });
});
