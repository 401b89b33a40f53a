import { InvalidArgumentError } from '@gemloop/core';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { afterEach, describe, expect, it } from 'vitest';
import { runTool } from '../__fixtures__/mcp-test-helpers.ts';
import { answerMcpServerRequests } from '../server-requests/answer-mcp-server-requests.ts';
import { createMcpTools } from '../tools/create-mcp-tools.ts';
import type { McpElicitationEvent } from './create-mcp-elicitation-broker.ts';
import { createMcpElicitationBroker } from './create-mcp-elicitation-broker.ts';

// Elicitation answered by a person through the broker, as approvals are: the SDK's McpServer
// asks in the middle of a tool call, the request waits, a page (SSE + POST) or code answers.

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function serverAsking(broker: ReturnType<typeof createMcpElicitationBroker>) {
  const server = new McpServer({ name: 'bookings', version: '1.0.0' });
  server.registerTool(
    'book_table',
    { description: 'Books a table.', inputSchema: {} },
    async () => {
      const answer = await server.server.elicitInput({
        message: 'Your booking',
        requestedSchema: {
          type: 'object',
          properties: {
            people: { type: 'integer', minimum: 1, maximum: 12 },
            seating: { type: 'string', enum: ['inside', 'terrace'] },
            notes: { type: 'string', maxLength: 20 },
          },
          required: ['people'],
        },
      });
      return { content: [{ type: 'text', text: JSON.stringify(answer) }] };
    },
  );
  server.registerTool('pay', { description: 'Pays.', inputSchema: {} }, async () => {
    const answer = await server.server.elicitInput({
      mode: 'url',
      message: 'Pay on the bank page.',
      url: 'https://bank.example/pay?ref=1',
      elicitationId: 'pay-1',
    });
    return { content: [{ type: 'text', text: JSON.stringify(answer) }] };
  });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  const client = new Client({ name: 'broker-test', version: '1.0.0' });
  await answerMcpServerRequests(client, { elicitation: broker.handler });
  await client.connect(clientTransport);
  closers.push(
    () => client.close(),
    () => server.close(),
  );
  const { tools } = await createMcpTools(client);
  return (name: string) => tools.find((tool) => tool.name === name)!;
}

/** Resolves with the next event of `broker` that matches. */
function nextEvent(
  broker: ReturnType<typeof createMcpElicitationBroker>,
  type: McpElicitationEvent['type'],
): Promise<McpElicitationEvent> {
  return new Promise((resolve) => {
    const stop = broker.subscribe((event) => {
      if (event.type !== type) return;
      stop();
      resolve(event);
    });
  });
}

const outputOf = (result: unknown) => JSON.parse((result as { output: string }).output);

describe('createMcpElicitationBroker', () => {
  it('holds a form request beside its tool call until the answer fits the form', async () => {
    const broker = createMcpElicitationBroker();
    const tool = await serverAsking(broker);
    const pending = nextEvent(broker, 'elicitation-pending');
    const call = runTool(tool('book_table'), {}, { toolCallId: 'call-7' });
    const event = (await pending) as Extract<McpElicitationEvent, { type: 'elicitation-pending' }>;
    const { id, request, toolCalls } = event.elicitation;
    expect(request).toMatchObject({
      mode: 'form',
      server: 'server "bookings"',
      message: 'Your booking',
    });
    expect(toolCalls).toEqual([{ toolCallId: 'call-7', toolName: 'book_table' }]);
    expect(broker.pending.map((each) => each.id)).toEqual([id]);

    for (const [content, field] of [
      [{}, 'people'],
      [{ people: 0 }, 'people'],
      [{ people: 2.5 }, 'people'],
      [{ people: 2, seating: 'roof' }, 'seating'],
      [{ people: 2, notes: 'x'.repeat(21) }, 'notes'],
      [{ people: 2, extra: true }, 'extra'],
    ] as const) {
      expect(() => broker.answer(id, { action: 'accept', content })).toThrow(InvalidArgumentError);
      try {
        broker.answer(id, { action: 'accept', content });
      } catch (error) {
        expect(error).toMatchObject({ argument: `content.${field}` });
      }
    }
    expect(
      broker.answer(id, { action: 'accept', content: { people: 4, seating: 'terrace' } }),
    ).toBe(true);
    expect(outputOf(await call)).toEqual({
      action: 'accept',
      content: { people: 4, seating: 'terrace' },
    });
    expect(broker.pending).toEqual([]);
    expect(broker.answer(id, { action: 'decline' })).toBe(false);
  });

  it('cancels a request whose tool call is aborted while it waits (a server that goes on asking)', async () => {
    const broker = createMcpElicitationBroker();
    const tool = await serverAsking(broker);
    const pending = nextEvent(broker, 'elicitation-pending');
    const resolved = nextEvent(broker, 'elicitation-resolved');
    const controller = new AbortController();
    const call = runTool(tool('book_table'), {}, { signal: controller.signal }).catch(
      (error: unknown) => error,
    );
    const { elicitation } = (await pending) as Extract<
      McpElicitationEvent,
      { type: 'elicitation-pending' }
    >;
    controller.abort();
    await call;
    // The server's elicitInput is not tied to the call: the client's end of the call cancels it,
    // so no page goes on asking the user for a run that moved on.
    expect(await resolved).toEqual({
      type: 'elicitation-resolved',
      id: elicitation.id,
      action: 'cancel',
    });
    expect(broker.pending).toEqual([]);
  });

  it('serves a page: pending requests as server-sent events, answers by POST', async () => {
    const broker = createMcpElicitationBroker();
    const tool = await serverAsking(broker);
    const page = new AbortController();
    const events = broker.handleEvents(
      new Request('http://x/elicitations', { signal: page.signal }),
    );
    expect(events.headers.get('content-type')).toBe('text/event-stream');
    const reader = events.body!.pipeThrough(new TextDecoderStream()).getReader();
    const call = runTool(tool('pay'), {});
    let text = '';
    while (!text.includes('\n\n')) text += (await reader.read()).value ?? '';
    expect(text).toMatch(/^event: elicitation-pending\ndata: /);
    const shown = JSON.parse(text.split('\n')[1]!.slice('data: '.length)) as {
      elicitation: { id: string; request: { mode: string; url: string } };
    };
    expect(shown.elicitation.request).toMatchObject({
      mode: 'url',
      url: 'https://bank.example/pay?ref=1',
    });
    const post = (body: unknown) =>
      broker.handleAnswer(
        new Request('http://x/elicitations', { method: 'POST', body: JSON.stringify(body) }),
      );
    expect((await post({ id: shown.elicitation.id, action: 'maybe' })).status).toBe(400);
    expect((await post({ id: 'nope', action: 'decline' })).status).toBe(404);
    for (const body of [
      '{not json',
      JSON.stringify({ id: 'x', action: 'accept', pad: 'x'.repeat(70_000) }),
      'null',
    ]) {
      const refused = await broker.handleAnswer(
        new Request('http://x/elicitations', { method: 'POST', body }),
      );
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { error: string }).error).toMatch(
        /action|JSON|over 65536 bytes|id must be/,
      );
    }
    // A URL answer carries no content: whatever the page sends, the server gets none.
    expect(
      (await post({ id: shown.elicitation.id, action: 'accept', content: { card: '4242' } }))
        .status,
    ).toBe(204);
    expect(outputOf(await call)).toEqual({ action: 'accept' });
    page.abort();
    let rest = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      rest += value;
    }
    expect(rest).toContain('event: elicitation-resolved');
  });

  it('cancels a request no one answers in time, and declines one past maxPending at once', async () => {
    const broker = createMcpElicitationBroker({ timeoutMs: 20, maxPending: 1 });
    const tool = await serverAsking(broker);
    expect(outputOf(await runTool(tool('pay'), {}))).toEqual({ action: 'cancel' });
    const held = createMcpElicitationBroker({ maxPending: 1 });
    const heldTool = await serverAsking(held);
    const pending = nextEvent(held, 'elicitation-pending');
    const first = runTool(heldTool('pay'), {});
    await pending;
    expect(outputOf(await runTool(heldTool('book_table'), {}))).toEqual({ action: 'decline' });
    held.answer(held.pending[0]!.id, { action: 'decline' });
    expect(outputOf(await first)).toEqual({ action: 'decline' });
    expect(() => createMcpElicitationBroker({ timeoutMs: 0 })).toThrow(InvalidArgumentError);
  });

  it("names a durable call's request after its key, the same when the call runs again", async () => {
    const broker = createMcpElicitationBroker();
    const tool = await serverAsking(broker);
    // A durable run's tool context carries the call's idempotency key (@gemloop/dbos): each
    // execution of the call (the first, then the one on the worker that took the run over) asks
    // under the same id, so the page's answer to the id it was shown reaches the second.
    const key = 'run-9:1.0:call-7';
    for (let execution = 0; execution < 2; execution++) {
      const pending = nextEvent(broker, 'elicitation-pending');
      const call = runTool(tool('pay'), {}, {
        toolCallId: 'call-7',
        idempotencyKey: key,
      } as never);
      const event = (await pending) as Extract<
        McpElicitationEvent,
        { type: 'elicitation-pending' }
      >;
      expect(event.elicitation.id).toBe(`${key}#1`);
      broker.answer(`${key}#1`, { action: 'decline' });
      expect(outputOf(await call)).toEqual({ action: 'decline' });
    }
    // Without a key (a run in one process): a random id.
    const pending = nextEvent(broker, 'elicitation-pending');
    const call = runTool(tool('pay'), {});
    const event = (await pending) as Extract<McpElicitationEvent, { type: 'elicitation-pending' }>;
    expect(event.elicitation.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
    broker.answer(event.elicitation.id, { action: 'cancel' });
    await call;
  });
});
