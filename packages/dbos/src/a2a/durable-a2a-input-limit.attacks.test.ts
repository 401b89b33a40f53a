// leftovers33 (attack24b's leftover): the durable A2A door and a message whose run input is over
// the runs' `maxInputBytes`. `runs.start()` refuses it with DurableRunInputTooLargeError before
// anything is stored; the door had no code for it: the task was saved, then ended `failed` with
// "The task could not be started." (`run_not_started`), the client told nothing of why and the
// door's `onError` reporting a client's mistake as a fault. Now: A2A's RequestMalformedError
// (JSON-RPC -32602, invalid params; @a2a-js/sdk 1.3 `A2A_ERROR_CODE`), in the door's own words
// with the sizes, no task saved. No worker: the refusal comes before the run is enqueued.
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createA2AHandler } from '@gemloop/serve/a2a';
import { toNodeListener } from '@gemloop/serve/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workerDatabase } from '../__fixtures__/fleet.ts';
import { createDurableRuns, type DurableRuns } from '../index.ts';

const TOKEN = 'token-alice';
const LIMIT = 2_000;

let runs: DurableRuns;
let server: Server;
let origin: string;
const errors: unknown[] = [];

beforeAll(async () => {
  const databaseUrl = await workerDatabase('a2a_input_limit');
  runs = await createDurableRuns({ databaseUrl, pollingIntervalMs: 50, maxInputBytes: LIMIT });
  const handler = createA2AHandler({
    card: { name: 'Support', description: 'Answers questions about orders.' },
    authorize: (request) =>
      request.headers.get('authorization') === `Bearer ${TOKEN}` ? 'alice' : null,
    durable: { runs, agent: 'support' },
    pushNotifications: false,
    rateLimit: false,
    onError: (error) => errors.push(error),
  });
  server = createServer(toNodeListener(handler));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await runs?.close();
});

const post = (body: unknown, headers: Record<string, string> = { 'a2a-version': '1.0' }) =>
  fetch(`${origin}/`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${TOKEN}`,
      'content-type': 'application/json',
      ...headers,
    },
    body: JSON.stringify(body),
  });

const text = 'Where is my order? '.repeat(300); // 5,700 bytes: under the door's 1 MiB, over the runs' 2,000

describe('the durable A2A door: a message over the runs’ maxInputBytes (leftovers33)', () => {
  it.each([
    ['SendMessage', 'ROLE_USER', { 'a2a-version': '1.0' }],
    ['SendStreamingMessage', 'ROLE_USER', { 'a2a-version': '1.0' }],
  ])(
    '%s: JSON-RPC invalid params naming the sizes; no task saved, no fault reported',
    async (method, role, headers) => {
      errors.length = 0;
      const response = await post(
        {
          jsonrpc: '2.0',
          id: 9,
          method,
          params: { message: { messageId: crypto.randomUUID(), role, parts: [{ text }] } },
        },
        headers,
      );
      expect(response.headers.get('content-type')).toContain('application/json');
      const body = (await response.json()) as {
        id: unknown;
        error?: { code: number; message: string };
        result?: unknown;
      };
      expect(body.id).toBe(9);
      expect(body.result).toBeUndefined();
      expect(body.error?.code).toBe(-32602);
      expect(body.error?.message).toMatch(/too large/);
      expect(body.error?.message).toContain(String(LIMIT));
      // The server's own words stay on the server: no option name, no run id, no stack.
      expect(body.error?.message).not.toMatch(/maxInputBytes|createDurableRuns|Durable run|at /);
      expect(errors).toEqual([]);
      const listed = (await (
        await post({ jsonrpc: '2.0', id: 10, method: 'ListTasks', params: {} })
      ).json()) as { result?: { tasks?: unknown[] } };
      expect(listed.result?.tasks ?? []).toEqual([]);
    },
  );

  it('v0.3 message/send: the same refusal (-32602)', async () => {
    const response = await post(
      {
        jsonrpc: '2.0',
        id: 11,
        method: 'message/send',
        params: {
          message: {
            kind: 'message',
            messageId: crypto.randomUUID(),
            role: 'user',
            parts: [{ kind: 'text', text }],
          },
        },
      },
      {},
    );
    const body = (await response.json()) as { error?: { code: number; message: string } };
    expect(body.error?.code).toBe(-32602);
    expect(body.error?.message).toContain(String(LIMIT));
  });

  it('a message under the bound still starts its run (the control)', async () => {
    const response = await post({
      jsonrpc: '2.0',
      id: 12,
      method: 'SendStreamingMessage',
      params: {
        message: { messageId: crypto.randomUUID(), role: 'ROLE_USER', parts: [{ text: 'hi' }] },
      },
    });
    // Read until the task is working (its run started; no worker runs it: the stream is cut there).
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let frames = '';
    while (!frames.includes('TASK_STATE_WORKING')) {
      const { value, done } = await reader.read();
      if (done) break;
      frames += decoder.decode(value, { stream: true });
    }
    await reader.cancel();
    expect(frames).toContain('"task"');
    expect(frames).toContain('TASK_STATE_WORKING');
    expect(frames).not.toContain('"error"');
    const listed = await runs.list({ limit: 5 });
    expect(listed.map((run) => run.agent)).toEqual(['support']);
  });
});
