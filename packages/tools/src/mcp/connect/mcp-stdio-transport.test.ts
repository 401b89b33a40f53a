import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { McpStdioTransport, type McpStdioTransportOptions } from './mcp-stdio-transport.ts';

// The transport alone, against small Node programs given with `-e`: each exits when its stdin
// ends (the transport's close, or this test process dying). connect-mcp-stdio.test.ts and the
// answer-size attacks try it through connectMcpStdio with MCP servers.

const KIB = 1024;
const transports: McpStdioTransport[] = [];
afterEach(async () => {
  await Promise.all(transports.splice(0).map((transport) => transport.close()));
});

type Seen = { messages: JSONRPCMessage[]; errors: Error[]; closed: number };

function start(
  program: string,
  options: Partial<McpStdioTransportOptions> = {},
): { transport: McpStdioTransport; seen: Seen; started: Promise<void> } {
  const transport = new McpStdioTransport({
    command: process.execPath,
    args: [
      '-e',
      `process.stdin.on('end', () => process.exit(0)); process.stdin.resume();\n${program}`,
    ],
    stderr: 'pipe',
    maxLineBytes: 64 * KIB,
    ...options,
  });
  transports.push(transport);
  const seen: Seen = { messages: [], errors: [], closed: 0 };
  transport.onmessage = (message) => seen.messages.push(message);
  transport.onerror = (error) => seen.errors.push(error);
  transport.onclose = () => seen.closed++;
  return { transport, seen, started: transport.start() };
}

const ping = (id: number): JSONRPCMessage => ({ jsonrpc: '2.0', id, method: 'ping' });

describe('McpStdioTransport', { timeout: 60_000 }, () => {
  it('sends messages as lines of stdin and reads lines of stdout; a line that is not JSON-RPC is reported and skipped', async () => {
    // Echoes each line back, after a line of noise and before the same line ended by \r\n.
    const { transport, seen, started } = start(`
      let pending = '';
      process.stdin.on('data', (chunk) => {
        pending += chunk;
        for (let at = pending.indexOf('\\n'); at !== -1; at = pending.indexOf('\\n')) {
          const line = pending.slice(0, at);
          pending = pending.slice(at + 1);
          process.stdout.write('starting up...\\n' + line + '\\n' + line + '\\r\\n');
        }
      });`);
    await started;
    await transport.send(ping(1));
    await vi.waitFor(() => expect(seen.messages).toHaveLength(2), { timeout: 30_000 });
    expect(seen.messages).toEqual([ping(1), ping(1)]);
    expect(seen.errors).toHaveLength(1);
    expect(seen.errors[0]).toBeInstanceOf(SyntaxError);
  });

  it("starts the server with the SDK's safe environment plus env, in cwd, and pipes its stderr", async () => {
    const stderr: string[] = [];
    vi.stubEnv('GEMLOOP_NOT_INHERITED', 'secret');
    let transport: McpStdioTransport;
    try {
      let started: Promise<void>;
      ({ transport, started } = start(
        'process.stderr.write(JSON.stringify({ keys: Object.keys(process.env), cwd: process.cwd() }));',
        { env: { GIVEN: 'yes' }, cwd: '/' },
      ));
      transport.stderr?.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
      await started;
    } finally {
      vi.unstubAllEnvs();
    }
    await vi.waitFor(() => expect(stderr.join('')).toMatch(/\}$/), { timeout: 30_000 });
    const seen = JSON.parse(stderr.join('')) as { keys: string[]; cwd: string };
    expect(seen.cwd).toBe('/');
    const safe = ['HOME', 'LOGNAME', 'PATH', 'SHELL', 'TERM', 'USER'];
    expect(seen.keys.sort()).toEqual(
      [...safe.filter((key) => process.env[key] !== undefined), 'GIVEN'].sort(),
    );
  });

  it('refuses a line past maxLineBytes as it arrives, stops reading and ends the server', async () => {
    // A line that never ends, written as fast as the pipe takes it.
    const { transport, seen, started } = start(
      `process.stdout.on('error', () => process.exit(0));
       process.stdout.write('{"jsonrpc":"2.0","id":1,"method":"ping"}\\n');
       const filler = 'x'.repeat(16 * 1024);
       const more = () => { while (process.stdout.write(filler)); process.stdout.once('drain', more); };
       more();`,
      { maxLineBytes: 256 * KIB },
    );
    await started;
    await vi.waitFor(() => expect(seen.closed).toBe(1), { timeout: 30_000 });
    expect(seen.messages).toEqual([ping(1)]);
    const refused = transport.refusedLineBytes ?? 0;
    expect(refused).toBeGreaterThan(256 * KIB);
    // At most one pipe read past the cap.
    expect(refused).toBeLessThanOrEqual(256 * KIB + 64 * KIB);
    expect(seen.errors.map((error) => error.message)).toEqual([
      `The server wrote a line of more than ${256 * KIB} bytes; the connection is closed.`,
    ]);
    await expect(transport.send(ping(2))).rejects.toThrow('Not connected');
  });

  it('closes a server that ignores its stdin with SIGTERM', async () => {
    const { transport, seen, started } = start(
      // Lives on when its stdin ends: only a signal ends it.
      `process.stdin.removeAllListeners('end'); setInterval(() => {}, 60_000);`,
    );
    await started;
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    try {
      const closing = transport.close();
      await vi.advanceTimersByTimeAsync(2000);
      await closing;
    } finally {
      vi.useRealTimers();
    }
    await vi.waitFor(() => expect(seen.closed).toBe(1), { timeout: 30_000 });
  });

  it('refuses to send before start, and to start twice', async () => {
    const { transport, started } = start('');
    const early = new McpStdioTransport({
      command: process.execPath,
      args: [],
      stderr: 'ignore',
      maxLineBytes: 1,
    });
    await expect(early.send(ping(1))).rejects.toThrow('Not connected');
    await started;
    await expect(transport.start()).rejects.toThrow('already started');
  });

  it('rejects start, and reports, when the command cannot be started', async () => {
    const { seen, started } = start('', { command: 'gemloop-no-such-command-xyz' });
    await expect(started).rejects.toMatchObject({ code: 'ENOENT' });
    expect(seen.errors.map((error) => (error as NodeJS.ErrnoException).code)).toEqual(['ENOENT']);
  });
});
