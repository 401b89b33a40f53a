import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { createAgent, createGemini } from '@gemloop/core';
import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ownerOfBearer } from '../__fixtures__/order-fixtures.ts';
import { INITIALIZE } from '../mcp/__fixtures__/raw-mcp-session.ts';
import { toNodeListener } from '../node/to-node-listener.ts';
import { DOOR_KEYS, RUN_INPUT } from './__fixtures__/serve-all-doors.ts';
import { mountDoors } from './mount-doors.ts';

// Half-open clients (attack49b): one that sends part of its headers and then nothing (slowloris),
// and one that sends whole headers and part of its body. The doors run on the server the app
// makes, so what bounds them is Node's `headersTimeout` and `requestTimeout` (60 s and 300 s by
// default; short here so the test does not wait them out). Each door is tried: the stalled
// request is answered by Node's 408 and closed, no run starts (the fake sees no model call),
// nothing reaches `onError` (the client's own doing), and the door still answers the next
// request (no connection slot, thread or session is held by the one that stalled).

const KEY = DOOR_KEYS.alice;

/** A door's path and a whole JSON body it answers 200 to. */
const DOORS: [string, string, unknown][] = [
  [
    'chat completions',
    '/v1/chat/completions',
    { model: 'support', messages: [{ role: 'user', content: 'Hi' }] },
  ],
  ['responses', '/v1/responses', { model: 'support', input: 'Hi' }],
  ['MCP', '/mcp', INITIALIZE],
  ['AG-UI', '/ag-ui', RUN_INPUT],
  [
    'A2A',
    '/a2a',
    {
      jsonrpc: '2.0',
      id: 1,
      method: 'message/send',
      params: {
        message: {
          kind: 'message',
          messageId: 'm1',
          role: 'user',
          parts: [{ kind: 'text', text: 'Hi' }],
        },
      },
    },
  ],
];

async function serveWithShortTimeouts() {
  const fake = createFakeGemini({ script: [turn.text('Hello.')] });
  const gemini = createGemini({ apiKey: 'gemini-secret-key', retry: false, fetch: fake.fetch });
  const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });
  const errors: unknown[] = [];
  const doors = mountDoors({
    authorize: (request) => ownerOfBearer(DOOR_KEYS, request),
    onError: (error) => errors.push(error),
    openai: { agents: { support: agent } },
    mcp: { agents: { support: agent } },
    agUi: { agent },
    a2a: { agent, card: { name: 'Support', description: 'Answers.' } },
  });
  onTestFinished(() => doors.close());
  // A check of the stalled connections every 20 ms: the bounds below are what the test waits
  // on, through the socket's close, never a timing it asserts.
  let started = 0;
  let answered = 0;
  const server: Server = createServer(
    { headersTimeout: 200, requestTimeout: 300, connectionsCheckingInterval: 20 },
    toNodeListener(async (request, connection) => {
      started += 1;
      try {
        return await doors.handler(request, connection);
      } finally {
        answered += 1;
      }
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return { server, port, fake, errors, started: () => started, answered: () => answered };
}

/** Writes `head` on a raw connection, then nothing; resolves with what came back once it closed. */
function stall(port: number, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(head));
    let answered = '';
    socket.on('data', (chunk: Buffer) => {
      answered += chunk.toString('latin1');
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(answered));
  });
}

/** Waits for `check` (a hang guard: the test's own time limit ends a wait that never comes). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 5));
}

function headLines(path: string, length: number): string {
  return [
    `POST ${path} HTTP/1.1`,
    `Host: 127.0.0.1`,
    `Authorization: Bearer ${KEY}`,
    'Content-Type: application/json',
    'Accept: application/json, text/event-stream',
    `Content-Length: ${length}`,
    '',
    '',
  ].join('\r\n');
}

describe('half-open clients on each door: bounded by the server`s timeouts, nothing held', () => {
  it.each(DOORS)('%s: headers cut off half-way (slowloris)', async (_name, path, body) => {
    const { port, fake, errors } = await serveWithShortTimeouts();
    const head = headLines(path, JSON.stringify(body).length);
    const answered = await stall(port, head.slice(0, head.indexOf('Content-Type')));
    expect(answered).toMatch(/^HTTP\/1\.1 408 /);
    expect(fake.requests).toHaveLength(0);
    expect(errors).toEqual([]);
  });

  it.each(DOORS)('%s: whole headers, part of the body, then nothing', async (_name, path, body) => {
    const { server, port, fake, errors } = await serveWithShortTimeouts();
    const text = JSON.stringify(body);
    const answered = await stall(port, headLines(path, text.length) + text.slice(0, 10));
    // Node's 408, or nothing when the door's answer had begun (it has not: the body is unread).
    expect(answered).toMatch(/^HTTP\/1\.1 408 /);
    expect(fake.requests).toHaveLength(0);
    expect(errors).toEqual([]);
    // The door still serves: the stalled request holds nothing a whole one needs. Node's defaults
    // back first (its periodic check reads them each time): the whole request is sent by this
    // process's own fetch, headers and body apart, so at load 20 a 300 ms pause between them met
    // `requestTimeout` and a request that should succeed got a 408.
    server.headersTimeout = 60_000;
    server.requestTimeout = 300_000;
    const whole = await fetch(`http://127.0.0.1:${port}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${KEY}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: text,
    });
    expect(whole.status).toBe(200);
    await whole.text();
  });

  it.each(DOORS)('%s: part of the body, then the client leaves', async (_name, path, body) => {
    const { server, port, fake, errors, started, answered } = await serveWithShortTimeouts();
    // The client ends this request itself: Node's defaults back, so its periodic check cannot
    // answer 408 before the door starts (at load 20 a process held off the CPU for over 300 ms
    // runs that check, in the loop's timer phase, before it reads the request: the door never
    // started and the wait below never ended).
    server.headersTimeout = 60_000;
    server.requestTimeout = 300_000;
    const text = JSON.stringify(body);
    const socket = connect(port, '127.0.0.1', () =>
      socket.write(headLines(path, text.length) + text.slice(0, 10)),
    );
    socket.on('error', () => {});
    // Closed once the door has the request: it is reading the body when it breaks off.
    await until(() => started() === 1);
    socket.destroy();
    await until(() => answered() === 1);
    expect(fake.requests).toHaveLength(0);
    expect(errors).toEqual([]);
  });
});
