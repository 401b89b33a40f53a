import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type StreamResponse, type Task, TaskState } from '@a2a-js/sdk';
import { type Client, ClientFactory, JsonRpcTransportFactory } from '@a2a-js/sdk/client';
import { LegacyJsonRpcTransport } from '@a2a-js/sdk/compat/v0_3/client';
import { InMemoryTaskStore, type TaskStore } from '@a2a-js/sdk/server';
import { InvalidArgumentError } from '@gemloop/core/errors';
import { createRunRecorder } from '@gemloop/core/recorder';
import { turn } from '@gemloop/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { contentsOf, failingLookupTool, waitTool } from '../__fixtures__/order-fixtures.ts';
import { agentOnFake, listenForTest, listenNodeForTest } from '../door/__fixtures__/serve-door.ts';
import {
  bareToolContext,
  fetchWithToken,
  gateTool,
  serveA2A,
  TOKENS,
  userMessage,
} from './__fixtures__/serve-a2a.ts';
import { a2aAgent } from './client/a2a-agent.ts';
import { createA2AHandler } from './create-a2a-handler.ts';

// The A2A door driven by the A2A SDK's own client (ClientFactory over the JSON-RPC transport,
// made from the agent card at the well-known path) over 127.0.0.1, the agent on the fake Gemini.

const send = (client: Client, text: string, more: { contextId?: string } = {}) =>
  client.sendMessage(userMessage(text, more) as never) as Promise<Task>;

/** Every event of a stream, until it ends. */
async function collect(stream: AsyncIterable<StreamResponse>): Promise<StreamResponse[]> {
  const events: StreamResponse[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

const kinds = (events: StreamResponse[]) => events.map((event) => event.payload?.$case);

const answerOf = (task: Task) =>
  task.artifacts
    .flatMap((artifact) => artifact.parts)
    .map((part) => (part.content?.$case === 'text' ? part.content.value : ''))
    .join('');

const stateOf = (event: StreamResponse | undefined) =>
  event?.payload?.$case === 'statusUpdate' ? event.payload.value.status?.state : undefined;

/** A JSON-RPC error an SDK client call failed with: its message and code. */
async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

/** Streams a message until its task is known and its run has started (the tool's `started`). */
async function startTask(
  client: Client,
  text: string,
  started: Promise<void>,
  signal?: AbortSignal,
) {
  const stream = client.sendMessageStream(
    userMessage(text) as never,
    signal === undefined ? {} : { signal },
  );
  const first = await stream.next();
  const payload = (first.value as StreamResponse).payload;
  if (payload?.$case !== 'task') throw new Error('the stream starts with the task');
  await started;
  return { stream, task: payload.value };
}

describe('createA2AHandler', () => {
  it('serves the agent card at the well-known path, naming its JSON-RPC endpoint', async () => {
    const { origin } = await serveA2A([]);
    // What the SDK's client sends for it; without the header, v0.3's card (see below).
    const response = await fetch(`${origin}/.well-known/agent-card.json`, {
      headers: { 'a2a-version': '1.0' },
    });
    expect(response.status).toBe(200);
    const card = await response.json();
    expect(card).toMatchObject({
      name: 'Support',
      description: 'Answers questions about orders.',
      supportedInterfaces: [
        { url: `${origin}/`, protocolBinding: 'JSONRPC', protocolVersion: '1.0' },
        { url: `${origin}/`, protocolBinding: 'JSONRPC', protocolVersion: '0.3' },
      ],
      capabilities: { streaming: true, pushNotifications: true },
      skills: [{ id: 'ask', name: 'Support' }],
    });
    // Made from the request's host: not for a shared cache.
    expect(response.headers.get('cache-control')).toContain('private');
  });

  it('serves several agents, one handler each, mounted at paths of their own', async () => {
    const support = agentOnFake([turn.text('Support here.')]);
    const billing = agentOnFake([turn.text('Billing here.'), turn.text('Billing again.')]);
    const handlers = {
      support: createA2AHandler({
        agent: support.agent,
        card: { name: 'Support', description: 'Orders.' },
        authorize: () => 'alice',
      }),
      billing: createA2AHandler({
        agent: billing.agent,
        card: { name: 'Billing', description: 'Invoices.' },
        authorize: () => 'alice',
      }),
    };
    const origin = await listenForTest(async (request) => {
      const [, mount] = new URL(request.url).pathname.split('/');
      const handler = handlers[mount as keyof typeof handlers];
      return handler === undefined ? new Response(null, { status: 404 }) : handler(request);
    });
    for (const [mount, name, answer] of [
      ['support', 'Support', 'Support here.'],
      ['billing', 'Billing', 'Billing here.'],
    ] as const) {
      const a2a = await new ClientFactory({
        transports: [new JsonRpcTransportFactory()],
        // Below a path, the card is found relative to it (the SDK's default path is the origin's).
      }).createFromUrl(`${origin}/${mount}/`, '.well-known/agent-card.json');
      const card = await a2a.getAgentCard();
      expect(card.name).toBe(name);
      expect(card.supportedInterfaces[0]?.url).toBe(`${origin}/${mount}/`);
      expect(answerOf(await send(a2a, 'Hi'))).toBe(answer);
    }
    // a2aAgent finds a mounted agent's card the same way.
    const tool = a2aAgent({ url: `${origin}/billing`, name: 'billing', description: 'Invoices.' });
    expect(await tool.execute({ task: 'Hi' }, bareToolContext())).toMatchObject({
      answer: 'Billing again.',
    });
  });

  it('answers SendMessage with a completed task that GetTask reads back', async () => {
    const { client } = await serveA2A([turn.text('Order A-7 has shipped.')]);
    const a2a = await client();
    const task = await send(a2a, 'Where is A-7?');
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(answerOf(task)).toBe('Order A-7 has shipped.');
    const read = await a2a.getTask({ id: task.id } as never);
    expect(read.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(answerOf(read)).toBe('Order A-7 has shipped.');
  });

  it('streams SendStreamingMessage: the task, working, the answer in appended chunks, completed', async () => {
    const { client } = await serveA2A([turn.text('Order A-7 has shipped today.')]);
    const a2a = await client();
    const events = await collect(a2a.sendMessageStream(userMessage('Where is A-7?') as never));
    const order = kinds(events);
    expect(order[0]).toBe('task');
    expect(stateOf(events[1])).toBe(TaskState.TASK_STATE_WORKING);
    expect(stateOf(events.at(-1))).toBe(TaskState.TASK_STATE_COMPLETED);
    const chunks = events.flatMap((event) =>
      event.payload?.$case === 'artifactUpdate' ? [event.payload.value] : [],
    );
    const deltas = chunks.filter((chunk) => !chunk.lastChunk);
    expect(deltas.length).toBeGreaterThan(0);
    expect(deltas.slice(1).every((chunk) => chunk.append)).toBe(true);
    const text = (chunk: (typeof chunks)[number]) =>
      chunk.artifact?.parts.map((part) =>
        part.content?.$case === 'text' ? part.content.value : '',
      ) ?? [];
    expect(deltas.flatMap(text).join('')).toBe('Order A-7 has shipped today.');
    // The last chunk is the whole answer, replacing the appended parts.
    expect(chunks.at(-1)).toMatchObject({ lastChunk: true, append: false });
    expect(text(chunks.at(-1) as (typeof chunks)[number])).toEqual([
      'Order A-7 has shipped today.',
    ]);
  });

  it('forgets the oldest ended task past maxTasks, keeping each caller to its own', async () => {
    const { client } = await serveA2A(
      [turn.text('One.'), turn.text('Two.'), turn.text('Three.'), turn.text("Bob's.")],
      { handler: { maxTasks: 3 } },
    );
    const alice = await client('alice');
    const bob = await client('bob');
    const tasks = [await send(alice, '1'), await send(alice, '2'), await send(alice, '3')];
    const bobs = await send(bob, '4');
    const error = await failure(alice.getTask({ id: tasks[0]?.id } as never));
    expect(error.message).toContain('not found');
    expect(answerOf(await alice.getTask({ id: tasks[2]?.id } as never))).toBe('Three.');
    const listed = await alice.listTasks({ status: TaskState.TASK_STATE_UNSPECIFIED } as never);
    expect(listed.tasks.map((task) => task.id).sort()).toEqual([tasks[1]?.id, tasks[2]?.id].sort());
    expect((await bob.listTasks({ status: 0 } as never)).tasks.map((task) => task.id)).toEqual([
      bobs.id,
    ]);
  });

  it('forgets the oldest ended task past maxTotalTaskBytes, answered as task not found', async () => {
    // Each answer about 400 KB, held in its task's artifact: three pass a 1 MB bound long before
    // maxTasks (10,000) would.
    const answer = (letter: string) => `${letter}${'x'.repeat(400_000)}`;
    const { client } = await serveA2A(
      [turn.text(answer('A')), turn.text(answer('B')), turn.text(answer('C'))],
      {
        handler: { maxTotalTaskBytes: 1_000_000 },
      },
    );
    const alice = await client('alice');
    const tasks = [await send(alice, '1'), await send(alice, '2'), await send(alice, '3')];
    const error = await failure(alice.getTask({ id: tasks[0]?.id } as never));
    expect(error.message).toContain('not found');
    expect(answerOf(await alice.getTask({ id: tasks[2]?.id } as never))?.startsWith('C')).toBe(
      true,
    );
  });

  it('continues a conversation: the messages of one contextId are turns of one chat session', async () => {
    const { client, fake } = await serveA2A([
      turn.text('A-7 has shipped.'),
      turn.text('It arrives on Friday.'),
    ]);
    const a2a = await client();
    const first = await send(a2a, 'Where is A-7?');
    const second = await send(a2a, 'When does it arrive?', { contextId: first.contextId });
    expect(second.contextId).toBe(first.contextId);
    expect(second.id).not.toBe(first.id);
    expect(answerOf(second)).toBe('It arrives on Friday.');
    expect(contentsOf(fake.requests.at(-1)?.body)).toEqual([
      'user: Where is A-7?',
      'model: A-7 has shipped.',
      'user: When does it arrive?',
    ]);
  });

  it('cancels a working task: the run is aborted and the task ends canceled', async () => {
    const wait = waitTool();
    const { client, errors } = await serveA2A([turn.call('wait_for_it', {}), turn.text('never')], {
      agent: { tools: [wait.tool] },
    });
    const a2a = await client();
    const { stream, task } = await startTask(a2a, 'Wait.', wait.started);
    const canceled = await a2a.cancelTask({ id: task.id } as never);
    expect(canceled.status?.state).toBe(TaskState.TASK_STATE_CANCELED);
    const signal = await wait.aborted;
    expect(signal.aborted).toBe(true);
    const rest = await collect({ [Symbol.asyncIterator]: () => stream });
    expect(stateOf(rest.at(-1))).toBe(TaskState.TASK_STATE_CANCELED);
    const read = await a2a.getTask({ id: task.id } as never);
    expect(read.status?.state).toBe(TaskState.TASK_STATE_CANCELED);
    // A cancel is not a failure for the server's log.
    expect(errors).toEqual([]);
  });

  it('resubscribes to a task whose stream was dropped, and reads it to the end', async () => {
    const gate = gateTool();
    // The store the door saves tasks to: `completed` resolves once it holds the task ended.
    const inner = new InMemoryTaskStore();
    let saved: () => void = () => {};
    const completed = new Promise<void>((resolve) => {
      saved = resolve;
    });
    const taskStore: TaskStore = {
      load: (id, context) => inner.load(id, context),
      list: (params, context) => inner.list(params, context),
      save: async (task, context) => {
        await inner.save(task, context);
        if (task.status?.state === TaskState.TASK_STATE_COMPLETED) saved();
      },
    };
    const { client } = await serveA2A([turn.call('hold_on', {}), turn.text('Done waiting.')], {
      agent: { tools: [gate.tool] },
      handler: { taskStore },
    });
    const a2a = await client();
    const dropped = new AbortController();
    const { stream, task } = await startTask(a2a, 'Hold on.', gate.started, dropped.signal);
    // The client goes away mid-task: the task goes on.
    dropped.abort();
    await stream.return(undefined).catch(() => undefined);
    const again = a2a.resubscribeTask({ id: task.id } as never);
    const head = await again.next();
    expect((head.value as StreamResponse).payload?.$case).toBe('task');
    gate.release();
    const rest = await collect({ [Symbol.asyncIterator]: () => again });
    expect(stateOf(rest.at(-1))).toBe(TaskState.TASK_STATE_COMPLETED);
    // The dropped send's reading went on, so the task is saved as it ended (it stayed `working`
    // in the store when the door stopped reading with the client).
    await completed;
    const read = await a2a.getTask({ id: task.id } as never);
    expect(answerOf(read)).toBe('Done waiting.');
    expect(read.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
  });

  it('keeps each caller to its own tasks: another can neither read, cancel, resubscribe to nor continue one', async () => {
    const gate = gateTool();
    const { client, fake } = await serveA2A(
      [turn.call('hold_on', {}), turn.text('Done.'), turn.text("Bob's own answer.")],
      { agent: { tools: [gate.tool] } },
    );
    const alice = await client('alice');
    const bob = await client('bob');
    const { stream, task } = await startTask(alice, 'Hold on.', gate.started);
    const id = task.id;
    for (const attempt of [
      bob.getTask({ id } as never),
      bob.cancelTask({ id } as never),
      collect(bob.resubscribeTask({ id } as never)),
    ]) {
      const error = await failure(attempt);
      // The same answer as for a task that does not exist.
      expect(error.message).toContain('not found');
    }
    const listed = await bob.listTasks({ status: TaskState.TASK_STATE_UNSPECIFIED } as never);
    expect(listed.tasks).toEqual([]);
    gate.release();
    const rest = await collect({ [Symbol.asyncIterator]: () => stream });
    expect(stateOf(rest.at(-1))).toBe(TaskState.TASK_STATE_COMPLETED);
    // Bob naming Alice's context starts a conversation of his own.
    const own = await send(bob, 'Hello?', { contextId: task.contextId });
    expect(answerOf(own)).toBe("Bob's own answer.");
    expect(contentsOf(fake.requests.at(-1)?.body)).toEqual(['user: Hello?']);
  });

  it("ends a failed run's task failed with fixed words and a code, never the error's words", async () => {
    const secret = 'db-password-hunter2';
    const { client, errors } = await serveA2A(
      [
        turn.call('lookup_order', { order: 'A' }),
        turn.call('lookup_order', { order: 'A' }),
        turn.text('never'),
      ],
      { agent: { tools: [failingLookupTool(secret)], toolErrors: 'throw' } },
    );
    const a2a = await client();
    const task = await send(a2a, 'Where is A?');
    expect(task.status?.state).toBe(TaskState.TASK_STATE_FAILED);
    const said = task.status?.message?.parts[0]?.content;
    expect(said).toEqual({ $case: 'text', value: 'A tool failed.' });
    // The error's code, for the caller's logic.
    expect(task.status?.message?.metadata).toEqual({ code: 'tool-execution' });
    expect(JSON.stringify(task)).not.toContain(secret);
    const events = await collect(a2a.sendMessageStream(userMessage('Where is A?') as never));
    expect(stateOf(events.at(-1))).toBe(TaskState.TASK_STATE_FAILED);
    expect(JSON.stringify(events)).not.toContain(secret);
    // The details went to the server's hook.
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatchObject({ code: 'tool-execution' });
  });

  it('refuses a message into a working task without disturbing its run', async () => {
    const gate = gateTool();
    const { client } = await serveA2A([turn.call('hold_on', {}), turn.text('Done.')], {
      agent: { tools: [gate.tool] },
    });
    const a2a = await client();
    const { stream, task } = await startTask(a2a, 'Hold on.', gate.started);
    const refused = await failure(
      a2a.sendMessage(
        userMessage('Are you done?', {
          taskId: task.id,
          contextId: task.contextId,
        }) as never,
      ),
    );
    expect(refused.message).toContain('This task is working');
    gate.release();
    const rest = await collect({ [Symbol.asyncIterator]: () => stream });
    expect(stateOf(rest.at(-1))).toBe(TaskState.TASK_STATE_COMPLETED);
    const read = await a2a.getTask({ id: task.id } as never);
    expect(answerOf(read)).toBe('Done.');
  });

  it("records each task's run with the agent's recorder, for the viewer", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'a2a-recorder-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const recorder = createRunRecorder({ dir });
    const { client } = await serveA2A([turn.text('Recorded answer.')], {
      agent: { recorder, telemetry: false },
    });
    const task = await send(await client(), 'Record me.');
    expect(answerOf(task)).toBe('Recorded answer.');
    await recorder.flush();
    const files = (await readdir(dir)).filter((name) => name.endsWith('.jsonl'));
    expect(files).toHaveLength(1);
    const recorded = await readFile(join(dir, files[0] as string), 'utf8');
    expect(recorded).toContain('Record me.');
    expect(recorded).toContain('Recorded answer.');
  });

  it('refuses a message without text', async () => {
    const { client, fake } = await serveA2A([]);
    const a2a = await client();
    const task = (await a2a.sendMessage({
      message: {
        messageId: crypto.randomUUID(),
        role: 1,
        parts: [{ content: { $case: 'url', value: 'https://example.com/a.pdf' } }],
      },
    } as never)) as Task;
    expect(task.status?.state).toBe(TaskState.TASK_STATE_REJECTED);
    expect(fake.requests).toHaveLength(0);
  });

  it('sends push notifications to a webhook the caller registered, with its token', async () => {
    const received: { token: string | undefined; body: unknown }[] = [];
    const webhook = await listenNodeForTest((request, response) => {
      let text = '';
      request.on('data', (chunk) => {
        text += chunk;
      });
      request.on('end', () => {
        received.push({
          token: request.headers['x-a2a-notification-token'] as string | undefined,
          body: JSON.parse(text),
        });
        response.end();
      });
    });
    const hook = `${webhook}/hook`;
    const gate = gateTool();
    const { client } = await serveA2A([turn.call('hold_on', {}), turn.text('Done.')], {
      agent: { tools: [gate.tool] },
      handler: { pushNotifications: { allowPrivateNetwork: true } },
    });
    const a2a = await client();
    const { stream, task } = await startTask(a2a, 'Hold on.', gate.started);
    const config = await a2a.createTaskPushNotificationConfig({
      taskId: task.id,
      url: hook,
      token: 'webhook-token-1',
    } as never);
    expect(config.url).toBe(hook);
    gate.release();
    await collect({ [Symbol.asyncIterator]: () => stream });
    await expect
      .poll(() => JSON.stringify(received.at(-1)?.body ?? ''), { timeout: 60_000 })
      .toContain('TASK_STATE_COMPLETED');
    expect(received.every((each) => each.token === 'webhook-token-1')).toBe(true);
  });

  it('refuses push notification webhooks on internal addresses unless allowed, and metadata always', async () => {
    const { client } = await serveA2A([turn.text('Done.')], {
      handler: { pushNotifications: { lookup: async () => [{ address: '10.0.0.5', family: 4 }] } },
    });
    const a2a = await client();
    const task = await send(a2a, 'Hi');
    for (const url of [
      'http://127.0.0.1:9/hook',
      'http://[::ffff:127.0.0.1]/hook',
      'http://intranet.example/hook',
      'http://169.254.169.254/latest',
      'file:///etc/passwd',
    ]) {
      const error = await failure(
        a2a.createTaskPushNotificationConfig({ taskId: task.id, url } as never),
      );
      expect(error.message).toContain('push notification URL is refused');
    }
    const allowed = await serveA2A([turn.text('Done.')], {
      handler: { pushNotifications: { allowPrivateNetwork: true } },
    });
    const other = await allowed.client();
    const mine = await send(other, 'Hi');
    const error = await failure(
      other.createTaskPushNotificationConfig({
        taskId: mine.id,
        url: 'http://169.254.169.254/latest',
      } as never),
    );
    expect(error.message).toContain('cloud metadata endpoint');
  });

  it('answers bad requests with JSON-RPC errors: credentials, method, content type, JSON, size, rate', async () => {
    const { origin, post, fake } = await serveA2A([], {
      handler: { maxBodyBytes: 2048, rateLimit: { requests: 7, windowMs: 60_000 } },
    });
    const rpc = async (response: Response) => ({
      status: response.status,
      body: (await response.json()) as { error?: { code: number; message: string } },
    });
    const anonymous = await rpc(
      await fetch(`${origin}/`, {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      }),
    );
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error?.message).toContain('Authorization: Bearer');
    expect((await rpc(await fetch(`${origin}/`))).status).toBe(405);
    expect((await rpc(await post('{}', { 'content-type': 'text/plain' }))).status).toBe(415);
    const broken = await rpc(await post('{"jsonrpc": "2.0", "id": 1, "method": '));
    expect(broken).toMatchObject({ status: 400, body: { error: { code: -32700 } } });
    expect((await rpc(await post('[1, 2]'))).status).toBe(400);
    const huge = await rpc(await post(JSON.stringify({ pad: 'x'.repeat(4096) })));
    expect(huge).toMatchObject({ status: 413, body: { error: { code: -32600 } } });
    const unknown = await rpc(
      await post(JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'NoSuchMethod', params: {} })),
    );
    expect(unknown.body.error?.code).toBe(-32601);
    const shapeless = await rpc(
      await post(JSON.stringify({ jsonrpc: '2.0', id: 8, method: 'SendMessage', params: 'x' })),
    );
    expect(shapeless.body.error?.code).toBe(-32602);
    // A request without `A2A-Version` is v0.3's: a v1.0 method name is unknown there.
    const unversioned = await fetch(`${origin}/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKENS.alice}`, 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'GetTask', params: { id: 'x' } }),
    });
    expect(await unversioned.json()).toMatchObject({ id: 9, error: { code: -32601 } });
    // Past the limit of 7 requests a minute: the ones refused before `authorize` did not count.
    const limited = await post(JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'GetTask' }));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(fake.requests).toHaveLength(0);
  });

  it("answers hostile JSON-RPC with JSON-RPC errors, never a crash or a thrown error's words", async () => {
    const { post, fake, errors, client } = await serveA2A([turn.text('Still here.')], {
      handler: { rateLimit: false },
    });
    const methods = [
      'SendMessage',
      'SendStreamingMessage',
      'GetTask',
      'ListTasks',
      'CancelTask',
      'SubscribeToTask',
      'CreateTaskPushNotificationConfig',
      'GetTaskPushNotificationConfig',
      'ListTaskPushNotificationConfigs',
      'DeleteTaskPushNotificationConfig',
      'GetExtendedAgentCard',
    ];
    const values: unknown[] = [
      null,
      0,
      -1,
      1e308,
      '',
      'x'.repeat(5000),
      [],
      [null],
      {},
      { id: 7 },
      { id: '../../etc/passwd', historyLength: -5 },
      { message: null },
      { message: { parts: 'text' } },
      { message: { role: 'ROLE_USER', parts: [{ text: 5 }] } },
      { message: { role: 'ROLE_USER', parts: [{ text: 'hi' }], taskId: 'nope' } },
      { taskId: 'x', url: 'http://127.0.0.1/' },
      { __proto__: { polluted: true }, constructor: { prototype: { polluted: true } } },
    ];
    let seed = 7;
    const pick = <T>(list: readonly T[]): T => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return list[seed % list.length] as T;
    };
    for (let round = 0; round < 200; round++) {
      const id = pick([1, 'a', null, {}, [], 2.5]);
      const body = JSON.stringify({
        jsonrpc: pick(['2.0', '2.0', '1.0', 2, undefined]),
        id,
        method: pick([
          ...methods,
          'message/send',
          'message/stream',
          'tasks/get',
          'tasks/cancel',
          'tasks/resubscribe',
          'tasks/pushNotificationConfig/set',
          '',
          5,
          null,
          'constructor',
          '__proto__',
        ]),
        params: pick(values),
      });
      // Both wires: v1.0's, and v0.3's through the SDK's compatibility layer.
      const response = await post(body, { 'a2a-version': pick(['1.0', '0.3', '2.0']) });
      expect(response.status, body).toBeLessThan(500);
      const text = await response.text();
      expect(text, body).not.toMatch(/at .+\.(?:js|ts):\d+|node_modules|TypeError|Cannot read/);
      if (response.headers.get('content-type')?.includes('application/json')) {
        expect(JSON.parse(text), body).toMatchObject({ jsonrpc: '2.0' });
      }
    }
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    // The door still answers, and nothing reached the model but what was sent as a message.
    const task = await send(await client(), 'Are you still there?');
    expect(answerOf(task)).toBe('Still here.');
    expect(fake.requests.length).toBeLessThanOrEqual(1 + errors.length);
  });

  it("serves v0.3 clients through the SDK's compatibility layer: their card and method names", async () => {
    const { origin, post } = await serveA2A([turn.text('A-7 has shipped.'), turn.text('Friday.')]);
    // No A2A-Version header: v0.3's card, its URL the endpoint.
    const card = await (await fetch(`${origin}/.well-known/agent-card.json`)).json();
    expect(card).toMatchObject({ name: 'Support', url: `${origin}/`, protocolVersion: '0.3.0' });
    const legacy = new LegacyJsonRpcTransport({
      endpoint: `${origin}/`,
      fetchImpl: fetchWithToken(TOKENS.alice),
    });
    const task = (await legacy.sendMessage(userMessage('Where is A-7?') as never)) as Task;
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(answerOf(task)).toBe('A-7 has shipped.');
    expect(answerOf(await legacy.getTask({ id: task.id } as never))).toBe('A-7 has shipped.');
    // The raw v0.3 wire: message/send's result is a task of kind "task".
    const raw = await post(
      JSON.stringify({
        jsonrpc: '2.0',
        id: 'r1',
        method: 'message/send',
        params: {
          message: {
            kind: 'message',
            messageId: 'm1',
            role: 'user',
            parts: [{ kind: 'text', text: 'When?' }],
            contextId: task.contextId,
          },
        },
      }),
      { 'a2a-version': '0.3' },
    );
    expect(await raw.json()).toMatchObject({
      id: 'r1',
      result: { kind: 'task', contextId: task.contextId, status: { state: 'completed' } },
    });
    // Off: the v0.3 card and methods are refused.
    const strict = await serveA2A([], { handler: { v03: false } });
    const refused = await fetch(`${strict.origin}/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKENS.alice}`, 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tasks/get', params: { id: 'x' } }),
    });
    expect(await refused.json()).toMatchObject({ id: 9, error: { code: -32009 } });
  });

  it('takes durable runs in place of an agent', () => {
    expect(
      typeof createA2AHandler({
        card: { name: 'A', description: 'B' },
        authorize: () => 'alice',
        durable: { runs: durableRunsShape() as never, agent: 'support' },
      }),
    ).toBe('function');
  });

  it('refuses options it cannot serve with, naming them', () => {
    const { agent } = agentOnFake([]);
    const make = (options: object) => () =>
      createA2AHandler({
        agent,
        card: { name: 'A', description: 'B' },
        authorize: () => 'alice',
        ...options,
      } as never);
    for (const [options, argument] of [
      [{ authorize: undefined }, 'authorize'],
      [{ card: { name: '' } }, 'card'],
      [{ agent: {} }, 'agent'],
      [{ url: 'ftp://x' }, 'url'],
      [{ maxBodyBytes: 0 }, 'maxBodyBytes'],
      // Durable tasks: runs with the durable runs' methods, and the workers' agent name.
      [{ durable: { runs: {}, agent: 'support' } }, 'durable'],
      [{ durable: { runs: durableRunsShape(), agent: '' } }, 'durable'],
      [{ agent: undefined }, 'agent'],
    ] as const) {
      const error = (() => {
        try {
          make(options)();
        } catch (thrown) {
          return thrown;
        }
        return undefined;
      })();
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      expect((error as InvalidArgumentError).argument).toBe(argument);
    }
  });
});

/** An object with the methods of `@gemloop/dbos`'s durable runs the door calls (never called). */
function durableRunsShape() {
  const never = () => {
    throw new Error('not called');
  };
  return { start: never, events: never, status: never, result: never, cancel: never };
}
