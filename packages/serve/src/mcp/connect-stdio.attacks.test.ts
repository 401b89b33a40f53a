import type { ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startGuarded } from '../../../../scripts/start-guarded.ts';
import { agentOnFake } from '../__fixtures__/order-fixtures.ts';
import { createMcpServer } from './create-mcp-server.ts';

// MCP's stdio transport reads newline-delimited JSON-RPC, and the SDK's StdioServerTransport
// holds a line until its line end: up to 10 MiB in SDK 1.32 (then it closes without a word), with
// no bound at all before it (this package takes ^1.24). `door.connectStdio()` bounds a line at
// `maxMessageBytes` (4 MiB): a longer one is answered with a JSON-RPC error, said on stderr, and
// the connection is closed, having read at most the bound and the pipe's chunks behind it.
// The client here is a real child process: its stdout is the door's stdin, its stdin the door's
// stdout; it writes a ping, then one line of `size` bytes with no line end, and prints each line
// it is answered on its stderr.

const CLIENT = `
const size = Number(process.argv[1]);
let answers = '';
process.stdin.on('data', (chunk) => {
  answers += chunk;
  process.stderr.write(chunk);
});
process.stdout.write('{"jsonrpc":"2.0","id":1,"method":"ping"}\\n');
const chunk = Buffer.alloc(64 * 1024, 120);
let written = 0;
const more = () => {
  while (written < size) {
    written += chunk.length;
    if (!process.stdout.write(chunk)) return process.stdout.once('drain', more);
  }
  process.stderr.write('WROTE-ALL\\n');
};
more();
`;

function startClient(size: number): { child: ChildProcess; answers: () => string } {
  const child = startGuarded(process.execPath, ['-e', CLIENT, String(size)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let answers = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    answers += chunk.toString();
  });
  onTestFinished(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
  });
  return { child, answers: () => answers };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !check(); waited += 20) {
    if (waited > 20_000) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('MCP over stdio: a line longer than maxMessageBytes', () => {
  it.each([
    ['a 256 KiB bound, a 20 MiB line', 256 * 1024, 20 * 1024 * 1024],
    ['the default 4 MiB bound, a 12 MiB line', undefined, 12 * 1024 * 1024],
  ])(
    '%s: a JSON-RPC error, a word on stderr, the connection closed, at most the bound read',
    async (_name, bound, size) => {
      const { agent } = agentOnFake([]);
      const errors: unknown[] = [];
      const door = createMcpServer({
        agents: { support: agent },
        onError: (error) => errors.push(error),
      });
      onTestFinished(() => door.close());
      const client = startClient(size);
      const stderr = new PassThrough();
      let said = '';
      stderr.on('data', (chunk: Buffer) => {
        said += chunk.toString();
      });
      const server = await door.connectStdio({
        stdin: client.child.stdout as Socket,
        stdout: client.child.stdin as Socket,
        stderr,
        ...(bound === undefined ? {} : { maxMessageBytes: bound }),
      });
      let closed = false;
      server.onclose = () => {
        closed = true;
      };
      await until(() => closed, 'the connection to close');
      const limit = bound ?? 4 * 1024 * 1024;
      expect(said).toBe(
        `gemloop MCP door: Message too large: a line on stdin is over ${limit} bytes (maxMessageBytes); the MCP connection is closed.\n`,
      );
      expect(errors).toHaveLength(1);
      await until(() => client.answers().includes('"id":null'), 'the error answer');
      const lines = client
        .answers()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      // The ping before it was answered; the long line got the error, with no id to answer.
      expect(lines).toEqual([
        { jsonrpc: '2.0', id: 1, result: {} },
        {
          jsonrpc: '2.0',
          id: null,
          error: { code: -32000, message: expect.stringContaining('over') },
        },
      ]);
      // Reading stopped at the bound: the client could not write the rest of its line.
      const read = (client.child.stdout as Socket).bytesRead;
      expect(read).toBeGreaterThan(limit);
      expect(read).toBeLessThan(limit + 1024 * 1024);
      expect(client.answers()).not.toContain('WROTE-ALL');
    },
  );

  it('lines within the bound are served, many in one chunk and one split over chunks', async () => {
    const { agent } = agentOnFake([]);
    const door = createMcpServer({ agents: { support: agent } });
    onTestFinished(() => door.close());
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    let answered = '';
    stdout.on('data', (chunk: Buffer) => {
      answered += chunk.toString();
    });
    const stderr = new PassThrough();
    await door.connectStdio({ stdin, stdout, stderr, maxMessageBytes: 200 });
    const ping = (id: number) => `{"jsonrpc":"2.0","id":${id},"method":"ping"}\n`;
    stdin.write(ping(1) + ping(2) + ping(3));
    const long = `{"jsonrpc":"2.0","id":4,"method":"ping","params":{"_meta":{"pad":"${'p'.repeat(100)}"}}}\n`;
    expect(Buffer.byteLength(long) - 1).toBeLessThanOrEqual(200);
    stdin.write(long.slice(0, 50));
    stdin.write(long.slice(50));
    await until(() => answered.includes('"id":4'), 'the fourth answer');
    expect(answered.split('\n').filter(Boolean)).toHaveLength(4);
    expect(stderr.read()).toBeNull();
  });

  it('refuses a bound that is no whole number of bytes', async () => {
    const { agent } = agentOnFake([]);
    const door = createMcpServer({ agents: { support: agent } });
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(door.connectStdio({ maxMessageBytes: bad })).rejects.toThrow(/maxMessageBytes/);
    }
  });
});
