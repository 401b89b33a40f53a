import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError } from '@gemloop/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { captureError, createRecordingLogger, runTool } from '../__fixtures__/mcp-test-helpers.ts';
import { McpServerError } from '../errors/mcp-server-error.ts';
import { McpToolCallError } from '../errors/mcp-tool-call-error.ts';
import type { McpTool } from '../tools/create-mcp-tools.ts';
import { DEFAULT_MCP_TIMEOUT_MS } from '../tools/create-mcp-tools.ts';
import { connectMcpStdio } from './connect-mcp-stdio.ts';
import type { McpConnection } from './mcp-connection.ts';

const serverScript = fileURLToPath(new URL('../__fixtures__/stdio-server.mjs', import.meta.url));

const connections: McpConnection[] = [];
afterEach(async () => {
  await Promise.all(connections.splice(0).map((connection) => connection.close()));
});

async function connect(
  options: Partial<Parameters<typeof connectMcpStdio>[0]> = {},
): Promise<McpConnection> {
  const connection = await connectMcpStdio({
    command: process.execPath,
    args: [serverScript],
    ...options,
  });
  connections.push(connection);
  return connection;
}

function byName(connection: McpConnection, name: string): McpTool {
  const tool = connection.tools.find((each) => each.name === name);
  if (tool === undefined) throw new Error(`no tool ${name}`);
  return tool;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// Each test starts a node process; a loaded 2-core machine needs more than the default 5 s.
describe('connectMcpStdio', { timeout: 120_000 }, () => {
  // The exact schema is read here too, not from a server of its own: one process start fewer.
  it('starts the server, lists its tools with the exact schema the server lists and calls them, passing env, cwd and the call id', async () => {
    const connection = await connect({
      env: { FIXTURE_VALUE: 'from-env' },
      cwd: tmpdir(),
      prefix: 'fx_',
    });
    expect(connection.serverInfo).toEqual({ name: 'fixture-stdio', version: '1.0.0' });
    expect(connection.server).toBe('server "fixture-stdio"');
    expect(connection.tools.map((tool) => tool.name)).toEqual([
      'fx_echo',
      'fx_read_env',
      'fx_pid',
      'fx_slow',
      'fx_hang',
      'fx_crash',
    ]);
    expect(connection.renamed).toEqual([
      { mcpName: 'read env', name: 'fx_read_env', reasons: ['invalid-characters'] },
    ]);
    expect(byName(connection, 'fx_echo').declaration).toEqual({
      name: 'fx_echo',
      description: 'Echoes the text.',
      parametersJsonSchema: {
        type: 'object',
        properties: { text: { type: 'string' } },
        required: ['text'],
        additionalProperties: false,
      },
    });
    expect(
      await runTool(byName(connection, 'fx_echo'), { text: 'hi' }, { toolCallId: 'k1' }),
    ).toEqual({
      output: 'echo: hi\ntoolCallId: k1',
    });
    expect(await runTool(byName(connection, 'fx_read_env'), {})).toEqual({
      output: `from-env in ${tmpdir()}`,
    });
  });

  it('ends the server process on close, once, however often close is called', async () => {
    const connection = await connect();
    const pid = Number(
      ((await runTool(byName(connection, 'pid'), {})) as { output: string }).output,
    );
    expect(isAlive(pid)).toBe(true);
    const tools = connection.tools;
    await Promise.all([tools[0]?.close?.(), tools[1]?.close?.(), connection.close()]);
    await connection.close();
    expect(connection.isClosed()).toBe(true);
    await vi.waitFor(() => expect(isAlive(pid)).toBe(false), { timeout: 60_000 });
    const error = (await captureError(
      runTool(byName(connection, 'echo'), { text: 'x' }),
    )) as McpToolCallError;
    expect(error.reason).toBe('connection-closed');
  });

  it('turns a server that dies mid-call into a connection-closed tool error', async () => {
    const { logger, lines } = createRecordingLogger();
    const connection = await connect({ logger });
    const error = (await captureError(
      runTool(byName(connection, 'crash'), {}),
    )) as McpToolCallError;
    expect(McpToolCallError.isInstance(error)).toBe(true);
    expect(error.reason).toBe('connection-closed');
    expect(error.message).toContain('The connection to the MCP server "fixture-stdio" is closed');
    expect(connection.isClosed()).toBe(true);
    expect(lines.some((line) => line.message === 'mcp server closed the connection')).toBe(true);
    // What the server wrote to stderr before dying is logged at debug.
    await vi.waitFor(
      () =>
        expect(lines.some((line) => line.fields['line'] === 'fixture: crashing on purpose')).toBe(
          true,
        ),
      { timeout: 60_000 },
    );
  });

  it('cancels a long call on abort: the server is told and the process lives on', async () => {
    const { logger, lines } = createRecordingLogger();
    const connection = await connect({ logger });
    const controller = new AbortController();
    const call = runTool(byName(connection, 'slow'), { ms: 60_000 }, { signal: controller.signal });
    const hasLine = (text: string) => lines.some((line) => line.fields['line'] === text);
    await vi.waitFor(() => expect(hasLine('fixture: slow call started')).toBe(true), {
      timeout: 60_000,
    });
    controller.abort(new Error('stop'));
    expect(((await captureError(call)) as Error).message).toBe('stop');
    await vi.waitFor(
      () =>
        expect(lines.some((line) => line.fields['line'] === 'fixture: slow call cancelled')).toBe(
          true,
        ),
      { timeout: 60_000 },
    );
    expect(await runTool(byName(connection, 'echo'), { text: 'still here' })).toMatchObject({
      output: expect.stringContaining('echo: still here'),
    });
  });

  // Issue 10: MCP calls had no default time limit, so a server that never answers hung the run.
  it('ends a call the server never answers after the default time limit, and the connection lives on', async () => {
    const connection = await connect();
    expect(byName(connection, 'hang').timeoutMs).toBe(DEFAULT_MCP_TIMEOUT_MS);
    // Only the timers: the child process and its pipes run for real.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let error: McpToolCallError | undefined;
    try {
      const call = captureError(runTool(byName(connection, 'hang'), {})).then((caught) => {
        error = caught as McpToolCallError;
      });
      await vi.advanceTimersByTimeAsync(DEFAULT_MCP_TIMEOUT_MS - 1);
      expect(error).toBeUndefined();
      await vi.advanceTimersByTimeAsync(1);
      await call;
    } finally {
      vi.useRealTimers();
    }
    expect(McpToolCallError.isInstance(error)).toBe(true);
    expect(error?.reason).toBe('timeout');
    expect(error?.message).toBe(
      `The MCP tool "hang" did not answer within ${DEFAULT_MCP_TIMEOUT_MS} ms.`,
    );
    expect(await runTool(byName(connection, 'echo'), { text: 'after' })).toMatchObject({
      output: expect.stringContaining('echo: after'),
    });
  });

  it('says when the command does not exist', async () => {
    const error = (await captureError(
      connectMcpStdio({ command: 'gemloop-no-such-command-xyz' }),
    )) as McpServerError;
    expect(McpServerError.isInstance(error)).toBe(true);
    expect(error.reason).toBe('start-failed');
    expect(error.message).toContain('"gemloop-no-such-command-xyz" was not found on the PATH');
  });

  it('reports a server that exits before the handshake with its stderr, secrets removed', async () => {
    const secret = 'sk-fixture-7f3a9c';
    const error = (await captureError(
      connectMcpStdio({
        command: process.execPath,
        args: [serverScript, 'exit-before-init'],
        env: { FIXTURE_SECRET: secret },
      }),
    )) as McpServerError;
    expect(error.reason).toBe('connect-failed');
    expect(error.message).toContain('exited before completing the MCP handshake');
    expect(error.message).toContain('fixture: config missing, token=[redacted]');
    expect(error.stderr).toBe('fixture: config missing, token=[redacted]');
    expect(JSON.stringify(error)).not.toContain(secret);
    expect(error.message).not.toContain(secret);
  });

  it('gives up on a server that never answers the handshake, and ends it', async () => {
    // The limit runs on fake time, moved once the server has started and written its pid (its
    // stderr line, logged at debug): a real 3 s was this file's longest wait, and on a loaded
    // machine it had to cover node's start as well. The process and its pipes run for real.
    let started: () => void = () => {};
    const waiting = new Promise<void>((resolve) => {
      started = resolve;
    });
    const { logger } = createRecordingLogger((line) => {
      if (String(line.fields['line']).startsWith('fixture: waiting forever')) started();
    });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let connecting: Promise<unknown>;
    try {
      connecting = captureError(
        connectMcpStdio({
          command: process.execPath,
          args: [serverScript, 'never-initialize'],
          connectTimeoutMs: 3000,
          logger,
        }),
      );
      await waiting;
      await vi.advanceTimersByTimeAsync(2999);
      expect(await Promise.race([connecting, 'pending'])).toBe('pending');
      await vi.advanceTimersByTimeAsync(1);
    } finally {
      vi.useRealTimers();
    }
    const error = (await connecting) as McpServerError;
    expect(error.reason).toBe('connect-failed');
    expect(error.message).toContain('did not complete the MCP handshake within 3000 ms');
    expect(error.message).toContain('fixture: waiting forever');
    const pid = Number(/pid (\d+)/.exec(error.stderr ?? '')?.[1]);
    expect(pid).toBeGreaterThan(0);
    await vi.waitFor(() => expect(isAlive(pid)).toBe(false), { timeout: 60_000 });
  });

  it('checks its options', async () => {
    const error = await captureError(connectMcpStdio({ command: '  ' }));
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as InvalidArgumentError).argument).toBe('command');
    const envError = await captureError(
      connectMcpStdio({ command: 'node', env: { TOKEN: 5 as unknown as string } }),
    );
    expect((envError as InvalidArgumentError).argument).toBe('env');
  });
});
