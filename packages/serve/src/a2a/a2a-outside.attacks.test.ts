import { type Task, TaskState } from '@a2a-js/sdk';
import type { Client } from '@a2a-js/sdk/client';
import { InMemoryTaskStore, type TaskStore } from '@a2a-js/sdk/server';
import { defineTool } from '@gemloop/core';
import { createApprovalBroker } from '@gemloop/core/web';
import { turn } from '@gemloop/testing';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { z } from 'zod';
import { listenNodeForTest, withoutRandomIds } from '../door/__fixtures__/serve-door.ts';
import { serveA2A, TOKENS, userMessage } from './__fixtures__/serve-a2a.ts';

// The A2A door after its race fixes (issue 53's sessions), tried from outside as a hostile
// protocol client would: another user's task answered, the same answer twice, an answer racing a
// cancel, a resubscribe storm, garbled and oversized JSON-RPC. Nothing forbidden reaches the
// client: secrets, thrown messages, stack frames, internal addresses, another user's run.

const GEMINI_KEY = 'gemini-secret-key';

function refundTool(refunds: string[]) {
  return defineTool({
    name: 'refund_order',
    description: 'Refunds an order.',
    parameters: z.object({ order: z.string() }),
    execute: ({ order }) => {
      refunds.push(order);
      return { order, refunded: true };
    },
  });
}

async function serveWithApprovals(script: Parameters<typeof serveA2A>[0]) {
  const refunds: string[] = [];
  const approvals = createApprovalBroker({ needsApproval: () => true });
  const served = await serveA2A(script, {
    agent: { tools: [refundTool(refunds)] as never, beforeToolCall: approvals.beforeToolCall },
    handler: { approvals },
  });
  return { ...served, refunds };
}

const send = (client: Client, text: string, more: { taskId?: string; contextId?: string } = {}) =>
  client.sendMessage(userMessage(text, more) as never) as Promise<Task>;

/** What no reply may hold: secrets, stack frames, internal addresses, Node's own error words. */
function expectNothingForbidden(text: string): void {
  expect(text).not.toContain(GEMINI_KEY);
  expect(text).not.toContain(TOKENS.alice);
  expect(text).not.toContain(TOKENS.bob);
  expect(text).not.toMatch(/\n\s+at /);
  expect(text).not.toMatch(/127\.0\.0\.1|localhost|node:internal|\/work\//);
  expect(text).not.toMatch(/TypeError|SyntaxError|Cannot read properties/);
}

describe('the A2A door under an outside attack', () => {
  it("bob cannot answer, read, resubscribe to or cancel alice's waiting task: unknown to him, hers unchanged", async () => {
    const { client, refunds } = await serveWithApprovals([
      turn.call('refund_order', { order: 'A-7' }),
      turn.text('Refunded A-7.'),
    ]);
    const alice = await client('alice');
    const bob = await client('bob');
    const asked = await send(alice, 'Refund A-7.');
    expect(asked.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    const attempts = await Promise.allSettled([
      send(bob, 'approve', { taskId: asked.id, contextId: asked.contextId }),
      send(bob, 'approve', { taskId: asked.id }),
      bob.getTask({ id: asked.id } as never),
      bob.cancelTask({ id: asked.id } as never),
    ]);
    for (const attempt of attempts) {
      expect(attempt.status).toBe('rejected');
      const reason = (attempt as PromiseRejectedResult).reason as Error;
      expectNothingForbidden(String(reason.message));
      expect(String(reason.message)).not.toContain('Refund A-7');
    }
    // attack-doors6: his resubscribe too is an unknown task's, and none of her events reach him.
    const seen: unknown[] = [];
    const refused = await (async () => {
      for await (const event of bob.resubscribeTask({
        id: asked.id,
      } as never) as AsyncIterable<unknown>) {
        seen.push(event);
      }
    })().then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    expect(refused).toBeInstanceOf(Error);
    expectNothingForbidden(String(refused?.message));
    expect(JSON.stringify(seen)).not.toContain('A-7');
    expect(seen).toEqual([]);
    expect(refunds).toEqual([]);
    const read = await alice.getTask({ id: asked.id } as never);
    expect(read.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
  });

  it('an answer racing a cancel: the call runs at most once and the task ends in one final state', async () => {
    const { client, refunds } = await serveWithApprovals([
      turn.call('refund_order', { order: 'A-7' }),
      turn.text('Refunded A-7.'),
    ]);
    const alice = await client('alice');
    const asked = await send(alice, 'Refund A-7.');
    const on = { taskId: asked.id, contextId: asked.contextId };
    const [answered, canceled] = await Promise.allSettled([
      send(alice, 'approve', on),
      alice.cancelTask({ id: asked.id } as never),
    ]);
    expect(refunds.length).toBeLessThanOrEqual(1);
    const read = await alice.getTask({ id: asked.id } as never);
    const final = read.status?.state;
    expect([TaskState.TASK_STATE_COMPLETED, TaskState.TASK_STATE_CANCELED]).toContain(final);
    // A completed task ran the call; a canceled one never did after the cancel won.
    if (final === TaskState.TASK_STATE_CANCELED) expect(refunds).toEqual([]);
    else expect(refunds).toEqual(['A-7']);
    for (const each of [answered, canceled])
      if (each.status === 'rejected') expectNothingForbidden(String(each.reason));
    // And the task stays as it ended: a late answer neither reruns nor reopens it.
    await send(alice, 'approve', on).catch((error: unknown) =>
      expectNothingForbidden(String(error)),
    );
    expect((await alice.getTask({ id: asked.id } as never)).status?.state).toBe(final);
    expect(refunds.length).toBeLessThanOrEqual(1);
  });

  it('the same answer sent again after the task completed: refused typed (-32004), nothing reruns', async () => {
    const { client, refunds, post } = await serveWithApprovals([
      turn.call('refund_order', { order: 'A-7' }),
      turn.text('Refunded A-7.'),
    ]);
    const alice = await client('alice');
    const asked = await send(alice, 'Refund A-7.');
    const answer = userMessage('approve', { taskId: asked.id, contextId: asked.contextId });
    const done = (await alice.sendMessage(answer as never)) as Task;
    expect(done.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    const again = await post(
      JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'SendMessage', params: answer }),
    );
    const text = await again.text();
    expectNothingForbidden(text);
    expect(refunds).toEqual(['A-7']);
    expect((await alice.getTask({ id: asked.id } as never)).status?.state).toBe(
      TaskState.TASK_STATE_COMPLETED,
    );
  });

  it('a resubscribe storm on a running task, and on an unknown one, ends every stream', async () => {
    // 30 resubscribers are within maxSubscribersPerTask (32): Node must not warn of a leak.
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    onTestFinished(() => {
      process.off('warning', onWarning);
    });
    let open: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      open = resolve;
    });
    const hold = defineTool({
      name: 'hold_on',
      description: 'Waits.',
      parameters: z.object({}),
      execute: async () => {
        await released;
        return { ok: true };
      },
    });
    const { client } = await serveA2A([turn.call('hold_on', {}), turn.text('Done.')], {
      agent: { tools: [hold] as never },
    });
    const alice = await client('alice');
    const bob = await client('bob');
    const stream = alice.sendMessageStream(userMessage('Wait.') as never);
    const first = await stream.next();
    const id = (first.value as { payload?: { value?: { id?: string } } }).payload?.value?.id;
    expect(typeof id).toBe('string');
    // Each resubscription is open (its first event read) before the task goes on.
    const subscribe = async (client: Client, taskId: string) => {
      const events = (client.resubscribeTask({ id: taskId } as never) as AsyncIterable<unknown>)[
        Symbol.asyncIterator
      ]();
      const first = await events.next();
      return { events, first };
    };
    const storm = await Promise.allSettled([
      ...Array.from({ length: 30 }, () => subscribe(alice, id as string)),
      ...Array.from({ length: 10 }, () => subscribe(bob, id as string)),
      ...Array.from({ length: 10 }, () => subscribe(alice, 'no-such-task')),
    ]);
    open();
    for await (const _event of stream);
    const mine = storm.slice(0, 30);
    expect(mine.every((each) => each.status === 'fulfilled')).toBe(true);
    const seen = await Promise.all(
      mine.map(async (each) => {
        const { events, first } = (
          each as PromiseFulfilledResult<Awaited<ReturnType<typeof subscribe>>>
        ).value;
        const all = [first.value];
        for (let next = await events.next(); next.done !== true; next = await events.next())
          all.push(next.value);
        return JSON.stringify(all);
      }),
    );
    // Every one of alice's streams ended, with the task's end.
    for (const events of seen) expect(events).toContain('Done.');
    // Bob's and the unknown task's: refused, never alice's events.
    for (const each of storm.slice(30)) {
      expect(each.status).toBe('rejected');
      expectNothingForbidden(String((each as PromiseRejectedResult).reason));
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });

  it('holds maxSubscribersPerTask resubscribers of a task, refuses the next with a typed error, with no warning', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    onTestFinished(() => {
      process.off('warning', onWarning);
    });
    let open: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      open = resolve;
    });
    const hold = defineTool({
      name: 'hold_on',
      description: 'Waits.',
      parameters: z.object({}),
      execute: async () => {
        await released;
        return { ok: true };
      },
    });
    const { client, post } = await serveA2A([turn.call('hold_on', {}), turn.text('Done.')], {
      agent: { tools: [hold] as never },
      handler: { maxSubscribersPerTask: 12 },
    });
    const alice = await client('alice');
    const stream = alice.sendMessageStream(userMessage('Wait.') as never);
    const first = await stream.next();
    const id = (first.value as { payload?: { value?: { id?: string } } }).payload?.value
      ?.id as string;
    const subscribe = async () => {
      const events = (alice.resubscribeTask({ id } as never) as AsyncIterable<unknown>)[
        Symbol.asyncIterator
      ]();
      await events.next();
      return events;
    };
    // 12 open at once (past Node's default of 10 listeners on the task's bus).
    const held = await Promise.all(Array.from({ length: 12 }, subscribe));
    const refused = await subscribe().catch((error: unknown) => error);
    expect(String(refused)).toMatch(/12 subscribers.*maxSubscribersPerTask/);
    // On the wire: A2A's UnsupportedOperationError, from the raw JSON-RPC stream too.
    const raw = await post(
      JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'SubscribeToTask', params: { id } }),
      { accept: 'text/event-stream' },
    );
    expect(await raw.text()).toContain('-32004');
    open();
    for await (const _event of stream);
    for (const events of held)
      for (let next = await events.next(); next.done !== true; next = await events.next());
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });

  it.each([
    ['not JSON', '{"jsonrpc":"2.0",'],
    ['an array', '[]'],
    ['null', 'null'],
    ['a deep nest', `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
    [
      'a deep object in params',
      `{"jsonrpc":"2.0","id":1,"method":"SendMessage","params":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}}`,
    ],
    ['a __proto__ method', '{"jsonrpc":"2.0","id":1,"method":"__proto__","params":{}}'],
    ['a constructor method', '{"jsonrpc":"2.0","id":1,"method":"constructor","params":{}}'],
    [
      'a huge id',
      `{"jsonrpc":"2.0","id":"${'i'.repeat(200_000)}","method":"GetTask","params":{"id":"x"}}`,
    ],
    [
      'params of the wrong shape',
      '{"jsonrpc":"2.0","id":1,"method":"SendMessage","params":{"message":{"parts":"no"}}}',
    ],
    [
      'a message with a null role',
      '{"jsonrpc":"2.0","id":1,"method":"SendMessage","params":{"message":{"messageId":"m","role":null,"parts":[null]}}}',
    ],
    [
      'a task id that is an object',
      '{"jsonrpc":"2.0","id":1,"method":"GetTask","params":{"id":{"toString":1}}}',
    ],
  ])(
    'garbled JSON-RPC (%s): a JSON-RPC error, nothing forbidden, the door still serves',
    async (_label, body) => {
      const { post, client } = await serveA2A([turn.text('Still here.')]);
      const reply = await post(body);
      const text = await reply.text();
      expect(reply.status).toBeLessThan(500);
      expectNothingForbidden(text);
      // JSON-RPC echoes the request's id: a reply is bounded by the request, not beyond it.
      expect(text.length).toBeLessThan(body.length + 10_000);
      const alice = await client('alice');
      const task = (await send(alice, 'Hello?')) as Task;
      expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    },
  );

  const V03 = { 'a2a-version': '0.3' };
  const send10 = (message: string, extra = '') =>
    `{"jsonrpc":"2.0","id":7,"method":"SendMessage","params":{"message":${message}${extra}}}`;
  const text = (more = '') => `{"messageId":"m","role":"ROLE_USER","parts":[{"text":"hi"}]${more}}`;
  it.each([
    [
      'a null part',
      send10('{"messageId":"m","role":null,"parts":[null]}'),
      {},
      'params.message.parts[0] must not be null.',
    ],
    [
      'a task id that is an object',
      '{"jsonrpc":"2.0","id":7,"method":"GetTask","params":{"id":{"toString":1}}}',
      {},
      'params.id must be a string.',
    ],
    [
      'a plain object task id',
      '{"jsonrpc":"2.0","id":7,"method":"CancelTask","params":{"id":{}}}',
      {},
      'params.id must be a string.',
    ],
    [
      'an object history length',
      '{"jsonrpc":"2.0","id":7,"method":"GetTask","params":{"id":"t","historyLength":{"valueOf":1}}}',
      {},
      'params.historyLength must be a number.',
    ],
    [
      'raw bytes that are a number',
      send10('{"messageId":"m","role":"ROLE_USER","parts":[{"raw":5}]}'),
      {},
      'params.message.parts[0].raw must be a base64 string.',
    ],
    [
      'an object text',
      send10('{"messageId":"m","role":"ROLE_USER","parts":[{"text":{"toString":1}}]}'),
      {},
      'params.message.parts[0].text must be a string.',
    ],
    [
      'an object message task id',
      send10(text(',"taskId":{"toString":1}')),
      {},
      'params.message.taskId must be a string.',
    ],
    [
      'an object output mode',
      `{"jsonrpc":"2.0","id":7,"method":"SendMessage","params":{"message":${text()},"configuration":{"acceptedOutputModes":[{"toString":1}]}}}`,
      {},
      'params.configuration.acceptedOutputModes[0] must be a string.',
    ],
    [
      'an object page size',
      '{"jsonrpc":"2.0","id":7,"method":"ListTasks","params":{"pageSize":{"toString":1}}}',
      {},
      'params.pageSize must be a number.',
    ],
    [
      'an object push config task id',
      '{"jsonrpc":"2.0","id":7,"method":"CreateTaskPushNotificationConfig","params":{"taskId":{"toString":1},"url":"https://hooks.example"}}',
      {},
      'params.taskId must be a string.',
    ],
    [
      'an object subscribe id',
      '{"jsonrpc":"2.0","id":7,"method":"SubscribeToTask","params":{"id":{"toString":1}}}',
      {},
      'params.id must be a string.',
    ],
    [
      'v0.3: a null part',
      '{"jsonrpc":"2.0","id":7,"method":"message/send","params":{"message":{"kind":"message","messageId":"m","role":"user","parts":[null]}}}',
      V03,
      'params.message.parts[0] must not be null.',
    ],
    [
      'v0.3: a task id that is an object',
      '{"jsonrpc":"2.0","id":7,"method":"tasks/get","params":{"id":{"toString":1}}}',
      V03,
      'params.id must be a string.',
    ],
    [
      'v0.3: an object text',
      '{"jsonrpc":"2.0","id":7,"method":"message/send","params":{"message":{"kind":"message","messageId":"m","role":"user","parts":[{"kind":"text","text":{"toString":1}}]}}}',
      V03,
      'params.message.parts[0].text must be a string.',
    ],
  ])(
    'params the SDK cannot read (%s): -32602 in fixed words naming the field, nothing run',
    async (_label, body, headers, words) => {
      const { post, fake, errors } = await serveA2A([turn.text('Never sent.')]);
      const reply = await post(body, headers);
      const answer = (await reply.json()) as {
        id: unknown;
        error?: { code: number; message: string };
      };
      expect(answer.id).toBe(7);
      expect(answer.error).toEqual({ code: -32602, message: words });
      expect(fake.modelRequests).toHaveLength(0);
      expect(errors).toEqual([]);
    },
  );

  it('a data part keeps what the SDK reads: a toString key and a null inside data are the caller’s data', async () => {
    const { post, fake } = await serveA2A([turn.text('Read it.')]);
    const reply = await post(
      send10(
        '{"messageId":"m","role":"ROLE_USER","parts":[{"data":{"toString":1,"list":[null]}}]}',
      ),
    );
    const answer = (await reply.json()) as { result?: { task?: { status?: { state?: string } } } };
    expect(answer.result?.task?.status?.state).toBe('TASK_STATE_COMPLETED');
    expect(JSON.stringify(fake.modelRequests[0]?.body)).toContain('"toString\\":1');
  });

  it('a task store that fails (its errors hold a database URL): fixed words, onError told, the resubscriber ends', async () => {
    const DATABASE = 'postgres://app:hunter2@db.internal:5432/tasks';
    let open: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      open = resolve;
    });
    const hold = defineTool({
      name: 'hold_on',
      description: 'Waits.',
      parameters: z.object({}),
      execute: async () => {
        await released;
        return { ok: true };
      },
    });
    // The SDK writes what our store hands it to stderr (`console.error`): it must hold no secret.
    const logged: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      logged.push(
        args.map((each) => (each instanceof Error ? `${each.stack}` : String(each))).join(' '),
      );
    });
    onTestFinished(() => spy.mockRestore());
    const inner = new InMemoryTaskStore();
    let failing = false;
    const taskStore: TaskStore = {
      load: (id, context) =>
        failing ? Promise.reject(new Error(`load: ${DATABASE}`)) : inner.load(id, context),
      save: (task, context) =>
        failing ? Promise.reject(new Error(`save: ${DATABASE}`)) : inner.save(task, context),
      list: (params, context) => inner.list(params, context),
    };
    const { client, post, errors } = await serveA2A(
      [turn.call('hold_on', {}), turn.text('Done.')],
      {
        agent: { tools: [hold] as never },
        handler: { taskStore },
      },
    );
    const alice = await client('alice');
    const stream = alice.sendMessageStream(userMessage('Wait.') as never);
    const first = await stream.next();
    const id = (first.value as { payload?: { value?: { id?: string } } }).payload?.value?.id;
    const resubscribed = (alice.resubscribeTask({ id } as never) as AsyncIterable<unknown>)[
      Symbol.asyncIterator
    ]();
    await resubscribed.next();
    failing = true;
    open();
    const told: string[] = [];
    for (const events of [stream, resubscribed]) {
      try {
        for (let next = await events.next(); next.done !== true; next = await events.next())
          told.push(JSON.stringify(next.value));
      } catch (error) {
        told.push(String((error as Error).message));
      }
    }
    for (const body of [
      `{"jsonrpc":"2.0","id":1,"method":"GetTask","params":{"id":"${id}"}}`,
      `{"jsonrpc":"2.0","id":2,"method":"SendMessage","params":{"message":{"messageId":"m2","role":"ROLE_USER","parts":[{"text":"Hi."}]}}}`,
    ]) {
      const reply = await post(body);
      told.push(await reply.text());
    }
    for (const each of told) {
      expectNothingForbidden(each);
      expect(each).not.toContain('hunter2');
    }
    expect(told.at(-1)).toContain('-32603');
    expect(logged.length).toBeGreaterThan(0);
    for (const line of logged) {
      expect(line).not.toContain('hunter2');
      expect(line).not.toContain('db.internal');
    }
    // The operator learns of it: the store's own error, whole, through onError.
    expect(errors.some((error) => String(error).includes(DATABASE))).toBe(true);
    // Once, as the store threw it: never the fixed words the SDK was handed instead.
    expect(errors.filter((error) => String(error).includes('task store failed'))).toEqual([]);
  });
});

// attack-doors5: the push configs, contexts and file parts of another caller's tasks.
describe('the A2A door: another caller’s push configs, contexts, and file URIs', () => {
  /** A v0.3 JSON-RPC call (no A2A-Version) as `owner`; the parsed reply. */
  const legacyCall = async (
    origin: string,
    owner: keyof typeof TOKENS,
    method: string,
    params: unknown,
  ) => {
    const reply = await fetch(`${origin}/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKENS[owner]}`, 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    });
    const text = await reply.text();
    return { text, body: JSON.parse(text) as { result?: unknown; error?: { code: number } } };
  };
  const message = (text: string, more: Record<string, unknown> = {}) => ({
    message: {
      kind: 'message',
      messageId: crypto.randomUUID(),
      role: 'user',
      parts: [{ kind: 'text', text }],
      ...more,
    },
  });

  it("bob can neither read, list, replace nor delete the push config of alice's task: unknown to him", async () => {
    const { origin } = await serveA2A([turn.text('Done.')], {
      handler: { pushNotifications: { allowPrivateNetwork: true } },
    });
    const hook = 'http://127.0.0.1:9/alice-hook';
    const sent = await legacyCall(origin, 'alice', 'message/send', {
      ...message('Hello.'),
      configuration: { pushNotificationConfig: { url: hook, token: 'alice-push-token' } },
    });
    const taskId = (sent.body.result as { id: string }).id;
    const attempts = [
      ['tasks/pushNotificationConfig/get', { id: taskId }],
      ['tasks/pushNotificationConfig/list', { id: taskId }],
      [
        'tasks/pushNotificationConfig/set',
        { taskId, pushNotificationConfig: { url: 'http://127.0.0.1:9/bob', token: 't' } },
      ],
      ['tasks/pushNotificationConfig/delete', { id: taskId, pushNotificationConfigId: 'x' }],
    ] as const;
    for (const [method, params] of attempts) {
      const asBob = await legacyCall(origin, 'bob', method, params);
      expect(asBob.body.error?.code, method).toBe(-32001);
      expect(asBob.text).not.toContain('alice-push-token');
      expect(asBob.text).not.toContain('alice-hook');
    }
    const hers = await legacyCall(origin, 'alice', 'tasks/pushNotificationConfig/list', {
      id: taskId,
    });
    expect(hers.body.result).toMatchObject([
      { taskId, pushNotificationConfig: { url: hook, token: 'alice-push-token' } },
    ]);
  });

  it("bob's message in alice's contextId is a conversation of his own: none of her turns reach the model", async () => {
    const { origin, fake } = await serveA2A([turn.text('Noted.'), turn.text('Hello Bob.')]);
    await legacyCall(
      origin,
      'alice',
      'message/send',
      message('My PIN is 4321.', { contextId: 'ctx-1' }),
    );
    const asBob = await legacyCall(
      origin,
      'bob',
      'message/send',
      message('What did I say before?', { contextId: 'ctx-1' }),
    );
    expect(withoutRandomIds(asBob.text)).not.toContain('4321');
    const contents = (fake.modelRequests[1]?.body as { contents?: unknown[] } | undefined)
      ?.contents;
    expect(contents).toHaveLength(1);
    expect(JSON.stringify(contents)).not.toContain('4321');
  });

  it('file parts naming file:// and internal http URIs are never fetched: the message is refused as text-less', async () => {
    let hits = 0;
    const internal = await listenNodeForTest((_request, response) => {
      hits += 1;
      response.end('root:x:0:0');
    });
    const target = `${internal}/latest/meta-data/`;
    const { origin, fake } = await serveA2A([turn.text('Never.')]);
    const sent = await legacyCall(origin, 'bob', 'message/send', {
      message: {
        kind: 'message',
        messageId: 'files',
        role: 'user',
        parts: [
          { kind: 'file', file: { uri: 'file:///etc/passwd' } },
          { kind: 'file', file: { uri: target, mimeType: 'text/plain' } },
        ],
      },
    });
    expect((sent.body.result as { status: { state: string } }).status.state).toBe('rejected');
    expect(sent.text).not.toContain('root:');
    expect(hits).toBe(0);
    expect(fake.modelRequests).toHaveLength(0);
  });
});

describe('the A2A door: params nested past what the SDK can read', () => {
  const deep = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

  it.each([
    [
      'v0.3 message metadata',
      false,
      (n: number) => `"parts":[{"kind":"text","text":"hi"}],"metadata":${deep(n)}`,
    ],
    ['v0.3 data part', false, (n: number) => `"parts":[{"kind":"data","data":${deep(n)}}]`],
    ['v1.0 part metadata', true, (n: number) => `"parts":[{"text":"hi","metadata":${deep(n)}}]`],
  ])(
    '%s 5,000 levels deep is invalid params naming the depth, not the server’s internal error; 100 levels still run',
    async (_, v1, fields) => {
      // attack-doors5: the SDK's recursive reads overflowed past ~2,000 levels (a 12 KB body) and
      // the door answered -32603 "The server could not answer the request." to a client's input.
      const { origin, fake } = await serveA2A([turn.text('Read it.')]);
      const send = (levels: number) =>
        fetch(`${origin}/`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${TOKENS.alice}`,
            'content-type': 'application/json',
            ...(v1 ? { 'a2a-version': '1.0' } : {}),
          },
          body: `{"jsonrpc":"2.0","id":1,"method":"${v1 ? 'SendMessage' : 'message/send'}","params":{"message":{${v1 ? '"role":"ROLE_USER"' : '"kind":"message","role":"user"'},"messageId":"m${levels}",${fields(levels)}}}}`,
        });
      const refused = (await (await send(5000)).json()) as {
        error?: { code: number; message: string };
      };
      expect(refused.error?.code).toBe(-32602);
      expect(refused.error?.message).toMatch(/nest deeper than 128 levels/);
      expect(fake.modelRequests).toHaveLength(0);
      const taken = (await (await send(100)).json()) as { result?: unknown; error?: unknown };
      expect(taken.error).toBeUndefined();
      expect(JSON.stringify(taken.result)).toMatch(/completed|COMPLETED/);
    },
  );
});

describe('the A2A door: one caller’s flood of tasks past maxTasks', () => {
  it("forgets the flooding caller's own ended tasks, never another caller's answer", async () => {
    // attack-doors5: the least recently saved ended task of all was forgotten, so a caller
    // sending past maxTasks pushed out every other caller's answers (GetTask: task not found).
    const { client } = await serveA2A(
      Array.from({ length: 7 }, (_, index) => turn.text(`answer ${index}`)),
      { handler: { maxTasks: 3 } },
    );
    const alice = await client('alice');
    const mallory = await client('bob');
    const hers = await send(alice, 'Keep my answer.');
    const flood: Task[] = [];
    for (let index = 0; index < 5; index++) flood.push(await send(mallory, `flood ${index}`));
    const read = await alice.getTask({ id: hers.id } as never);
    expect(read.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(JSON.stringify(read.artifacts)).toContain('answer 0');
    await expect(mallory.getTask({ id: flood[0]?.id } as never)).rejects.toThrow();
    expect((await mallory.getTask({ id: flood[4]?.id } as never)).id).toBe(flood[4]?.id);
  });
});

// doors-bounds41: a model that calls a tool it was never given, by a 2 MB name and a 2 MB id with
// the client's key in both. The door shows no call of a tool the run executes (only an approval's
// question names a call, and an undeclared tool is never asked about), so neither reaches the
// client: proven here, so that a door that starts showing calls must bound them as the others do.
describe('the A2A door and an undeclared tool’s 2 MB name and id', () => {
  it('a small task, without the key', async () => {
    const { client } = await serveA2A([
      turn.parts([
        {
          functionCall: {
            id: `${'i'.repeat(200)}${GEMINI_KEY}${'d'.repeat(2_000_000)}`,
            name: `${'k'.repeat(110)}${GEMINI_KEY}${'n'.repeat(2_000_000)}`,
            args: {},
          },
        },
      ]),
      turn.text('Done.'),
    ]);
    const alice = await client('alice');
    const task = await send(alice, 'Go');
    const text = JSON.stringify(task);
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(text).toContain('Done.');
    expectNothingForbidden(text);
    expect(text.length).toBeLessThan(20_000);
  });
});
