import type { ToolExecuteContext } from '@gemloop/core';
import { silentLogger } from '@gemloop/core/logging';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { McpTool } from '../tools/create-mcp-tools.ts';

/** A `ToolExecuteContext` as the agent passes one. */
export function toolContext(overrides: Partial<ToolExecuteContext> = {}): ToolExecuteContext {
  return {
    signal: new AbortController().signal,
    toolCallId: 'call-1',
    step: 1,
    logger: silentLogger,
    contents: [],
    ...overrides,
  };
}

/** Runs a tool the way the agent does: parse the model's args, then execute. */
export async function runTool(
  tool: McpTool,
  args: unknown,
  context: Partial<ToolExecuteContext> = {},
): Promise<unknown> {
  const parsed = tool.parseArgs(args);
  if (!parsed.success) throw new Error(`invalid args: ${JSON.stringify(parsed.issues)}`);
  return tool.execute(parsed.value, toolContext(context));
}

/** What `tool.execute` threw, or fails the test when it did not throw. */
export async function captureError(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection, but the promise resolved');
}

/** A server object with `connect(transport)`: the SDK's `McpServer` or low-level `Server`. */
type Connectable = { connect(transport: InMemoryTransport): Promise<void> };

/** Connects a real SDK client to an in-process server over linked in-memory transports. */
export async function connectInMemory(
  server: Connectable,
): Promise<{ client: Client; serverTransport: InMemoryTransport }> {
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  const client = new Client({ name: 'gemloop-test', version: '1.0.0' });
  await client.connect(clientTransport);
  return { client, serverTransport };
}

/** One line a {@link createRecordingLogger} logger recorded. */
export type RecordedLine = { level: string; fields: Record<string, unknown>; message: string | undefined };

/**
 * A logger that records every line, for asserting what gets logged (and what does not);
 * `onLine` sees each line as it is logged (a test that waits for one without polling).
 */
export function createRecordingLogger(onLine?: (line: RecordedLine) => void): {
  logger: typeof silentLogger;
  lines: RecordedLine[];
} {
  const lines: RecordedLine[] = [];
  const make = (bindings: Record<string, unknown>): typeof silentLogger => {
    const method =
      (level: string) =>
      (fields: Record<string, unknown>, message?: string): void => {
        const line = { level, fields: { ...bindings, ...fields }, message };
        lines.push(line);
        onLine?.(line);
      };
    return {
      child: (more) => make({ ...bindings, ...more }),
      trace: method('trace'),
      debug: method('debug'),
      info: method('info'),
      warn: method('warn'),
      error: method('error'),
      isLevelEnabled: () => true,
    };
  };
  return { logger: make({}), lines };
}
