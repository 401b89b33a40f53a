import { InvalidArgumentError, type ToolExecuteContext } from '@gemloop/core';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { afterEach, describe, expect, it } from 'vitest';
import { runTool } from '../__fixtures__/mcp-test-helpers.ts';
import { answerMcpServerRequests } from '../server-requests/answer-mcp-server-requests.ts';
import { trackCall } from '../server-requests/mcp-calls-in-flight.ts';
import { createMcpTools } from '../tools/create-mcp-tools.ts';
import {
  createMcpElicitationBroker,
  type McpElicitationBroker,
  type McpElicitationCaller,
} from './create-mcp-elicitation-broker.ts';

// A broker that serves several users (a durable worker's: its connections run every user's
// calls) checks whose run each request is (issue 56): `ownerOfRun` names the owner of the run
// whose call asks, and a page sees and answers only its owner's requests, a stranger's answer
// being refused as an unknown id before the form is read. The calls carry their durable run's
// id as @gemloop/dbos gives it (the tool context's `runId` and `idempotencyKey`).

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

const OWNERS: Record<string, string> = { 'run-alice': 'alice', 'run-bob': 'bob' };

/** An SDK McpServer whose tool asks a form, its client answered by `broker`, and its tool. */
async function bookingTool(broker: McpElicitationBroker) {
  const server = new McpServer({ name: 'bookings', version: '1.0.0' });
  server.registerTool('book_table', { description: 'Books.', inputSchema: {} }, async () => {
    const answer = await server.server.elicitInput({
      message: 'How many people?',
      requestedSchema: {
        type: 'object',
        properties: { people: { type: 'integer', minimum: 1, maximum: 12 } },
        required: ['people'],
      },
    });
    return { content: [{ type: 'text', text: JSON.stringify(answer) }] };
  });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  const client = new Client({ name: 'owner-test', version: '1.0.0' });
  await answerMcpServerRequests(client, { elicitation: broker.handler });
  await client.connect(clientTransport);
  closers.push(
    () => client.close(),
    () => server.close(),
  );
  const { tools } = await createMcpTools(client);
  return tools.find((tool) => tool.name === 'book_table')!;
}

/** The context a durable run's call has (as @gemloop/dbos's durable tool makes it). */
const durable = (runId: string, signal?: AbortSignal): Partial<ToolExecuteContext> =>
  ({
    toolCallId: 'call_1_0',
    runId,
    idempotencyKey: `${runId}:1.0:call_1_0`,
    ...(signal !== undefined && { signal }),
  }) as Partial<ToolExecuteContext>;

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let tries = 0; tries < 2000; tries += 1) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function post(broker: McpElicitationBroker, body: unknown, caller?: McpElicitationCaller) {
  return broker.handleAnswer(
    new Request('http://127.0.0.1/elicitations', { method: 'POST', body: JSON.stringify(body) }),
    caller,
  );
}

/** The frames a page's event stream held once `count` of them came (then it leaves). */
async function framesOf(response: Response, count: number): Promise<unknown[]> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  const frames: unknown[] = [];
  while (frames.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    for (let end = text.indexOf('\n\n'); end !== -1; end = text.indexOf('\n\n')) {
      frames.push(JSON.parse(/^data: (.*)$/m.exec(text.slice(0, end))?.[1] as string));
      text = text.slice(end + 2);
    }
  }
  await reader.cancel();
  return frames;
}

describe("the elicitation broker's owner check", () => {
  it("shows and answers a request only to its run's owner; a stranger's answer is an unknown id", async () => {
    const looked: string[] = [];
    const broker = createMcpElicitationBroker({
      ownerOfRun: async (runId) => {
        looked.push(runId);
        return OWNERS[runId];
      },
    });
    // Two servers' connections, one broker (a worker's): each call alone on its connection.
    const [book, bookAgain] = [await bookingTool(broker), await bookingTool(broker)];
    const alices = runTool(book, {}, durable('run-alice'));
    const bobs = runTool(bookAgain, {}, durable('run-bob'));
    await waitFor(() => broker.pending.length === 2, 'both requests to wait');
    expect(looked.sort()).toEqual(['run-alice', 'run-bob']);
    const alice = broker.pending.find((each) => each.runId === 'run-alice')!;
    const bob = broker.pending.find((each) => each.runId === 'run-bob')!;
    // Named after the call's durable key, as before: the owner check adds nothing to the id.
    expect(alice.id).toBe('run-alice:1.0:call_1_0#1');

    // Each page is shown its own owner's request only; a page without an owner, none.
    const [aliceFrame] = await framesOf(
      broker.handleEvents(new Request('http://127.0.0.1/e'), { owner: 'alice' }),
      1,
    );
    expect(aliceFrame).toMatchObject({
      type: 'elicitation-pending',
      elicitation: { id: alice.id, runId: 'run-alice' },
    });
    const [bobFrame] = await framesOf(
      broker.handleEvents(new Request('http://127.0.0.1/e'), { owner: 'bob' }),
      1,
    );
    expect(bobFrame).toMatchObject({ elicitation: { id: bob.id, runId: 'run-bob' } });

    // Bob answering Alice's request: 404 as for an id nothing waits under, even with content that
    // does not fit her form (a 400 naming the field would tell him what she is asked).
    for (const body of [
      { id: alice.id, action: 'accept', content: { people: 99 } },
      { id: alice.id, action: 'decline' },
    ]) {
      const refused = await post(broker, body, { owner: 'bob' });
      expect(refused.status).toBe(404);
      expect(await refused.json()).toEqual({ error: 'No elicitation waits under this id.' });
    }
    // Nor without an owner (a route that forgot to pass it), nor through `answer`.
    expect((await post(broker, { id: alice.id, action: 'decline' })).status).toBe(404);
    expect(broker.answer(alice.id, { action: 'decline' }, { owner: 'mallory' })).toBe(false);
    expect(broker.pending).toHaveLength(2);

    expect(
      (
        await post(
          broker,
          { id: alice.id, action: 'accept', content: { people: 2 } },
          { owner: 'alice' },
        )
      ).status,
    ).toBe(204);
    expect(broker.answer(bob.id, { action: 'decline' }, { owner: 'bob' })).toBe(true);
    expect(JSON.stringify(await alices)).toContain('\\"people\\":2');
    expect(JSON.stringify(await bobs)).toContain('decline');
  });

  it("tells a page its owner's resolutions only, as they happen", async () => {
    const broker = createMcpElicitationBroker({ ownerOfRun: (runId) => OWNERS[runId] });
    const [book, bookAgain] = [await bookingTool(broker), await bookingTool(broker)];
    const bobsPage = framesOf(
      broker.handleEvents(new Request('http://127.0.0.1/e'), { owner: 'bob' }),
      2,
    );
    const alices = runTool(book, {}, durable('run-alice'));
    await waitFor(() => broker.pending.length === 1, "alice's request to wait");
    const bobs = runTool(bookAgain, {}, durable('run-bob'));
    await waitFor(() => broker.pending.length === 2, "bob's request to wait");
    const aliceId = broker.pending[0]!.id;
    const bobId = broker.pending[1]!.id;
    expect(broker.answer(aliceId, { action: 'cancel' }, { owner: 'alice' })).toBe(true);
    expect(broker.answer(bobId, { action: 'decline' }, { owner: 'bob' })).toBe(true);
    // Bob's page saw his request come and go, nothing of Alice's.
    expect(await bobsPage).toEqual([
      { type: 'elicitation-pending', elicitation: expect.objectContaining({ id: bobId }) },
      { type: 'elicitation-resolved', id: bobId, action: 'decline' },
    ]);
    await Promise.all([alices, bobs]);
  });

  it('declines at once, never showing it, a request whose owner cannot be read', async () => {
    for (const ownerOfRun of [
      async () => {
        throw new Error('connection refused to 10.0.0.7:5432');
      },
      // Not an owner: a number, an empty string.
      () => 7 as unknown as string,
      () => '',
    ]) {
      const broker = createMcpElicitationBroker({ ownerOfRun });
      const shown: unknown[] = [];
      broker.subscribe((event) => shown.push(event));
      const book = await bookingTool(broker);
      const result = JSON.stringify(await runTool(book, {}, durable('run-alice')));
      expect(result).toContain('decline');
      expect(shown).toEqual([]);
      expect(broker.pending).toEqual([]);
    }
  });

  it("keeps a plain run's request (no run id) for callers without an owner", async () => {
    const broker = createMcpElicitationBroker({ ownerOfRun: (runId) => OWNERS[runId] });
    const book = await bookingTool(broker);
    const plain = runTool(book, {}, { toolCallId: 'call_1_0' });
    await waitFor(() => broker.pending.length === 1, 'the request to wait');
    const [request] = broker.pending;
    expect(request?.runId).toBeUndefined();
    expect(broker.answer(request!.id, { action: 'decline' }, { owner: 'alice' })).toBe(false);
    expect(broker.answer(request!.id, { action: 'decline' })).toBe(true);
    expect(JSON.stringify(await plain)).toContain('decline');
  });

  it('refuses every owner at a broker without ownerOfRun (its requests have none)', async () => {
    const broker = createMcpElicitationBroker();
    const book = await bookingTool(broker);
    const call = runTool(book, {}, durable('run-alice'));
    await waitFor(() => broker.pending.length === 1, 'the request to wait');
    const id = broker.pending[0]!.id;
    expect((await post(broker, { id, action: 'decline' }, { owner: 'alice' })).status).toBe(404);
    expect((await post(broker, { id, action: 'decline' })).status).toBe(204);
    await call;
  });

  it('gives a request asked while one connection runs calls of several runs to their one owner, or to nobody', async () => {
    const owners: Record<string, string> = { ...OWNERS, 'run-alice-2': 'alice' };
    const broker = createMcpElicitationBroker({ ownerOfRun: (runId) => owners[runId] });
    const book = await bookingTool(broker);
    // Two runs of Alice's on one connection: the request is hers, whichever call asks.
    const first = runTool(book, {}, durable('run-alice'));
    const second = runTool(book, {}, durable('run-alice-2'));
    await waitFor(() => broker.pending.length === 2, 'both requests to wait');
    for (const { id, runId } of broker.pending) {
      expect(runId).toBeUndefined();
      expect(broker.answer(id, { action: 'decline' }, { owner: 'bob' })).toBe(false);
      expect(broker.answer(id, { action: 'decline' }, { owner: 'alice' })).toBe(true);
    }
    await Promise.all([first, second]);

    // Alice's and Bob's calls on one connection: MCP does not say whose call asks, so the
    // requests are declined at once, shown to nobody.
    const shown: unknown[] = [];
    broker.subscribe((event) => shown.push(event));
    const results = await Promise.all([
      runTool(book, {}, durable('run-alice')),
      runTool(book, {}, durable('run-bob')),
    ]);
    // Both calls are marked running before either reaches the server (synchronously, in
    // `execute`), so each request meets both.
    for (const result of results) expect(JSON.stringify(result)).toContain('decline');
    expect(shown).toEqual([]);
  });

  it('cancels a request whose call is aborted while its owner is read', async () => {
    let release: ((owner: string) => void) | undefined;
    const broker = createMcpElicitationBroker({
      ownerOfRun: () => new Promise<string>((resolve) => (release = resolve)),
    });
    const call = { toolCallId: 'call_1_0', toolName: 'book_table' };
    trackCall({}, call, {}, 'run-alice:1.0:call_1_0', 'run-alice');
    const controller = new AbortController();
    const answer = broker.handler(
      {
        mode: 'form',
        server: 'server "bookings"',
        message: 'People?',
        requestedSchema: { type: 'object', properties: {} },
      },
      { signal: controller.signal, toolCalls: [call] },
    );
    await waitFor(() => release !== undefined, 'the owner to be asked');
    controller.abort();
    release?.('alice');
    expect(await answer).toEqual({ action: 'cancel' });
    expect(broker.pending).toEqual([]);
  });

  it("throws for the route's own mistakes: a bad owner, a bad ownerOfRun", async () => {
    const broker = createMcpElicitationBroker();
    for (const owner of ['', 'x'.repeat(1025), 42]) {
      const caller = { owner } as McpElicitationCaller;
      await expect(post(broker, { id: 'x', action: 'decline' }, caller)).rejects.toBeInstanceOf(
        InvalidArgumentError,
      );
      expect(() => broker.handleEvents(new Request('http://127.0.0.1/e'), caller)).toThrow(
        InvalidArgumentError,
      );
      expect(() => broker.answer('x', { action: 'decline' }, caller)).toThrow(/owner must be/);
    }
    expect(() =>
      createMcpElicitationBroker({ ownerOfRun: 'alice' as unknown as () => string }),
    ).toThrow(/ownerOfRun must be a function/);
  });
});
