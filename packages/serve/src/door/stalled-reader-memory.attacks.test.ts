import type { ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { startGuarded } from '../../../../scripts/start-guarded.ts';
import { RUN_INPUT } from './__fixtures__/serve-all-doors.ts';
import { MAX_UNREAD_EVENT_BYTES } from './unread-cap.ts';

// attack49b: a client that never reads (TCP backpressure) while the model streams 64 MiB, the
// server in a child process of its own so its heap and RSS are the door's alone. The doors' unread
// cap (door/unread-cap.ts) was measured in process by the bytes the model was read for; here the
// memory itself: the door cuts the client off, the model's stream is cancelled well before its
// end, and the server's heap grows by the cap and the socket's buffers, not by the answer.

const SERVER = join(import.meta.dirname, '__fixtures__/stalled-reader-server.ts');
const PACKAGE = join(import.meta.dirname, '../..');
const MODEL_MB = 64;

type Report = { read: number; cancelled: boolean; peakHeapMb: number; peakRssMb: number };

function startServer(): { child: ChildProcess; lines: AsyncIterator<string> } {
  const child = startGuarded(
    process.execPath,
    ['--expose-gc', '--conditions=@gemloop/source', '--import', 'tsx', SERVER],
    // In the package's folder, where tsx resolves.
    { cwd: PACKAGE, env: { ...process.env, GEMLOOP_MODEL_MB: String(MODEL_MB) } },
  );
  const lines = (async function* () {
    let buffered = '';
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      buffered += chunk.toString();
      let end = buffered.indexOf('\n');
      while (end !== -1) {
        yield buffered.slice(0, end);
        buffered = buffered.slice(end + 1);
        end = buffered.indexOf('\n');
      }
    }
  })();
  return { child, lines };
}

async function nextLine(lines: AsyncIterator<string>): Promise<string> {
  const next = await lines.next();
  if (next.done === true) throw new Error('The server process ended before its line.');
  return next.value;
}

/** A POST on a raw socket that reads nothing back: the kernel's buffers fill, then the server's. */
function postWithoutReading(port: number, path: string, body: unknown): Socket {
  const text = JSON.stringify(body);
  const socket = connect(port, '127.0.0.1', () => {
    socket.write(
      [
        `POST ${path} HTTP/1.1`,
        'Host: 127.0.0.1',
        'Authorization: Bearer door-alice-0123456789',
        'Content-Type: application/json',
        'Accept: text/event-stream',
        `Content-Length: ${Buffer.byteLength(text)}`,
        '',
        text,
      ].join('\r\n'),
    );
    socket.pause();
  });
  socket.on('error', () => {});
  onTestFinished(() => void socket.destroy());
  return socket;
}

// One server for the three doors, each request measured afresh (the child's start is most of
// the time).
let server: { child: ChildProcess; lines: AsyncIterator<string> };
let port = 0;
beforeAll(async () => {
  server = startServer();
  port = Number((await nextLine(server.lines)).replace('port ', ''));
});
afterAll(async () => {
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
});

describe('a client that never reads while the model streams 64 MiB: the server`s memory', () => {
  it.each([
    [
      'chat completions',
      '/v1/chat/completions',
      { model: 'support', messages: [{ role: 'user', content: 'Hi' }], stream: true },
    ],
    ['responses', '/v1/responses', { model: 'support', input: 'Hi', stream: true }],
    ['AG-UI', '/ag-ui', RUN_INPUT],
  ])(
    '%s: cut off at the cap, the model stream cancelled, the heap bounded',
    async (_name, path, body) => {
      postWithoutReading(port, path, body);
      const report = JSON.parse(await nextLine(server.lines)) as Report;
      expect(report.cancelled).toBe(true);
      // Read past the cap (the socket's buffers hold some), far from the whole answer.
      expect(report.read).toBeGreaterThan(MAX_UNREAD_EVENT_BYTES);
      expect(report.read).toBeLessThan((MODEL_MB / 2) * 1024 * 1024);
      // The answer held whole would be 64 MiB of text twice over (the deltas and their frames).
      expect(report.peakHeapMb).toBeLessThan(MODEL_MB / 2);
      expect(report.peakRssMb).toBeLessThan(MODEL_MB);
    },
  );
});
