import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AgentEvent, createAgent, createChatSession, createGemini } from '@gemloop/core';
import { subagent } from '@gemloop/core/composition';
import { agentTurnsOf } from '@gemloop/core/internal';
import { createRunRecorder } from '@gemloop/core/recorder';
import { toEventStreamResponse } from '@gemloop/core/web';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createMcpElicitationBroker } from '../elicitation/create-mcp-elicitation-broker.ts';
import type { McpElicitationAnswer } from '../elicitation/mcp-elicitation.ts';
import { createMcpTools } from '../tools/create-mcp-tools.ts';
import { answerMcpServerRequests } from './answer-mcp-server-requests.ts';
import { createMcpRunLink, type McpRunLink } from './create-mcp-run-link.ts';
import type { McpServerRequestOptions } from './mcp-server-request-options.ts';

// What an MCP server asks in the middle of a tool call shows in the agent run whose call it is
// (issue 56, item 5): the SDK's own McpServer over in-memory transports, an agent on the fake
// Gemini server on 127.0.0.1, and the `mcp-requests` plugin's events on the run's stream, its
// recording and its spans (a recording tracer provider in the OpenTelemetry API's shape).

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** An SDK McpServer whose tools ask the client (form, URL, sampling). */
function askingServer() {
  const server = new McpServer({ name: 'bookings', version: '1.0.0' });
  server.registerTool(
    'book_table',
    { description: 'Books a table, asking for details.', inputSchema: {} },
    async () => {
      const answer = await server.server.elicitInput({
        message: 'How many people?',
        requestedSchema: {
          type: 'object',
          properties: {
            people: { type: 'integer', title: 'People', minimum: 1 },
            note: { type: 'string' },
          },
          required: ['people'],
        },
      });
      return { content: [{ type: 'text', text: JSON.stringify(answer) }] };
    },
  );
  server.registerTool(
    'sign_in',
    { description: 'Sends the user to a sign-in page.', inputSchema: {} },
    async () => {
      const answer = await server.server.elicitInput({
        mode: 'url',
        message: 'Sign in to the calendar.',
        url: 'https://calendar.example/authorize?state=one-time-state',
        elicitationId: 'el-1',
      });
      return { content: [{ type: 'text', text: JSON.stringify(answer) }] };
    },
  );
  server.registerTool(
    'summarize',
    { description: 'Summarizes with the client model.', inputSchema: {} },
    async () => {
      const result = await server.server.createMessage({
        messages: [{ role: 'user', content: { type: 'text', text: 'Summarize: private notes.' } }],
        maxTokens: 100,
      });
      return { content: [{ type: 'text', text: JSON.stringify(result.content) }] };
    },
  );
  return server;
}

async function connect(options: McpServerRequestOptions) {
  const server = askingServer();
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  const client = new Client({ name: 'gemloop-test', version: '1.0.0' });
  await answerMcpServerRequests(client, options);
  await client.connect(clientTransport);
  closers.push(
    () => client.close(),
    () => server.close(),
  );
  return (await createMcpTools(client)).tools;
}

async function fakeGemini(script: NonNullable<Parameters<typeof createFakeGemini>[0]>['script']) {
  const fake: FakeGemini = createFakeGemini({ script });
  closers.push(() => fake.close());
  const { url } = await fake.listen();
  return createGemini({ baseUrl: url, apiKey: 'link-test-key', retry: false });
}

/** An agent on `gemini` whose tools are the asking server's, sampling through `link`'s policy. */
async function samplingAgent(gemini: ReturnType<typeof createGemini>, link: McpRunLink) {
  const tools = await connect({
    sampling: { gemini, model: 'gemini-2.5-flash', allowedServers: ['bookings'], link },
  });
  return createAgent({ gemini, model: 'gemini-3-flash-preview', tools, plugins: [link.plugin] });
}

/** A broker whose requests are answered by `answer` as soon as they wait. */
function answeringBroker(link: McpRunLink | undefined, answer: McpElicitationAnswer) {
  const broker = createMcpElicitationBroker({ link });
  broker.subscribe((event) => {
    if (event.type === 'elicitation-pending') broker.answer(event.elicitation.id, answer);
  });
  return broker;
}

type RecordedSpan = {
  name: string;
  events: { name: string; attributes: Record<string, unknown> }[];
};

/**
 * A tracer provider in the shape of `@opentelemetry/api`'s (this package does not depend on the
 * SDK): it keeps each span's name and events, as the SDK's in-memory exporter would.
 */
function recordingTracerProvider() {
  const spans: RecordedSpan[] = [];
  let next = 1;
  const startSpan = (name: string) => {
    const recorded: RecordedSpan = { name, events: [] };
    spans.push(recorded);
    const ids = {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: (next++).toString(16).padStart(16, '0'),
      traceFlags: 1,
    };
    const span = {
      spanContext: () => ids,
      setAttribute: () => span,
      setAttributes: () => span,
      addEvent: (eventName: string, attributes?: Record<string, unknown>) => {
        recorded.events.push({ name: eventName, attributes: { ...attributes } });
        return span;
      },
      addLink: () => span,
      addLinks: () => span,
      setStatus: () => span,
      updateName: (renamed: string) => {
        recorded.name = renamed;
        return span;
      },
      end: () => {},
      isRecording: () => true,
      recordException: () => {},
    };
    return span;
  };
  const tracer = {
    startSpan,
    startActiveSpan: () => {
      throw new Error('not used by gemloop');
    },
  };
  return { spans, provider: { getTracer: () => tracer } as never };
}

const pluginEvents = (events: AgentEvent[]) =>
  events.flatMap((event) =>
    event.type === 'plugin'
      ? [{ path: event.path, plugin: event.plugin, kind: event.kind, data: event.data }]
      : [],
  );

describe('createMcpRunLink', () => {
  it('shows a form request and its answer in the streamed run, without the answer', async () => {
    const broker = answeringBroker(undefined, {
      action: 'accept',
      content: { people: 4, note: 'window seat for Ada' },
    });
    const tools = await connect({ elicitation: broker.handler });
    const agent = createAgent({
      gemini: await fakeGemini([turn.call('book_table', {}), turn.text('Booked.')]),
      model: 'gemini-3-flash-preview',
      tools,
      plugins: [broker.plugin],
    });
    const events: AgentEvent[] = [];
    for await (const event of agent.stream('Book a table.')) events.push(event as AgentEvent);

    const toolCall = events.find((event) => event.type === 'tool-call');
    const toolCallId = (toolCall as { toolCallId: string }).toolCallId;
    const reported = pluginEvents(events);
    expect(reported).toEqual([
      {
        path: [],
        plugin: 'mcp-requests',
        kind: 'elicitation-pending',
        data: {
          id: expect.any(String),
          server: 'server "bookings"',
          mode: 'form',
          message: 'How many people?',
          toolCalls: [{ toolCallId, toolName: 'book_table' }],
          fields: [
            { name: 'people', type: 'integer', title: 'People', required: true },
            { name: 'note', type: 'string', required: false },
          ],
        },
      },
      {
        path: [],
        plugin: 'mcp-requests',
        kind: 'elicitation-resolved',
        data: { id: (reported[0]?.data as { id?: string } | undefined)?.id, action: 'accept' },
      },
    ]);
    // The events come between the call and its result, and never carry what the user typed.
    const types = events.map((event) => event.type);
    expect(types.indexOf('tool-call')).toBeLessThan(types.indexOf('plugin'));
    expect(types.lastIndexOf('plugin')).toBeLessThan(types.indexOf('tool-result'));
    expect(JSON.stringify(reported)).not.toContain('window seat');
    const result = events.find((event) => event.type === 'tool-result') as {
      toolCall: { output: unknown };
    };
    expect(JSON.stringify(result.toolCall.output)).toContain('window seat for Ada');
  });

  it('shows in each turn of a chat session that asks', async () => {
    const broker = answeringBroker(undefined, { action: 'accept', content: { people: 2 } });
    const tools = await connect({ elicitation: broker.handler });
    const agent = createAgent({
      gemini: await fakeGemini([
        turn.call('book_table', {}),
        turn.text('Booked for two.'),
        turn.call('book_table', {}),
        turn.text('Booked again.'),
      ]),
      model: 'gemini-3-flash-preview',
      tools,
      plugins: [broker.plugin],
    });
    const chat = createChatSession({ agent, id: 'bookings-chat' });
    for (const message of ['Book a table.', 'And another.']) {
      const events: AgentEvent[] = [];
      for await (const event of chat.sendStream(message)) events.push(event as AgentEvent);
      expect(pluginEvents(events).map((event) => event.kind)).toEqual([
        'elicitation-pending',
        'elicitation-resolved',
      ]);
    }
  });

  it("is answered from the run's page: the plugin event, then a POST to the broker", async () => {
    const broker = createMcpElicitationBroker();
    const tools = await connect({ elicitation: broker.handler });
    const agent = createAgent({
      gemini: await fakeGemini([turn.call('book_table', {}), turn.text('Booked.')]),
      model: 'gemini-3-flash-preview',
      tools,
      plugins: [broker.plugin],
    });
    const response = toEventStreamResponse(agent.stream('Book a table.'), {
      pluginEvents: ['mcp-requests'],
    });
    // The page: reads the run's events, and answers the question it is shown.
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let buffered = '';
    const seen: { type: string; kind?: string; data?: { id?: string } }[] = [];
    const statuses: number[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffered += decoder.decode(value, { stream: true });
      let end = buffered.indexOf('\n\n');
      while (end >= 0) {
        const data = buffered
          .slice(0, end)
          .split('\n')
          .find((line) => line.startsWith('data: '));
        buffered = buffered.slice(end + 2);
        end = buffered.indexOf('\n\n');
        if (data === undefined) continue;
        const event = JSON.parse(data.slice(6)) as (typeof seen)[number];
        seen.push(event);
        if (event.type === 'plugin' && event.kind === 'elicitation-pending') {
          const posted = await broker.handleAnswer(
            new Request('http://page/elicitations', {
              method: 'POST',
              body: JSON.stringify({
                id: event.data?.id,
                action: 'accept',
                content: { people: 99.5 },
              }),
            }),
          );
          statuses.push(posted.status);
          const fixed = await broker.handleAnswer(
            new Request('http://page/elicitations', {
              method: 'POST',
              body: JSON.stringify({
                id: event.data?.id,
                action: 'accept',
                content: { people: 6 },
              }),
            }),
          );
          statuses.push(fixed.status);
        }
      }
    }
    // A value that does not fit the form is refused (400) and the page answers again.
    expect(statuses).toEqual([400, 204]);
    expect(seen.filter((event) => event.type === 'plugin').map((event) => event.kind)).toEqual([
      'elicitation-pending',
      'elicitation-resolved',
    ]);
    const result = seen.find((event) => event.type === 'tool-result') as { preview?: string };
    expect(result.preview).toContain('people');
    expect(seen.at(-1)?.type).toBe('finish');
  });

  it('records a URL request in the run file with the page host only, in a unary run', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gemloop-mcp-link-'));
    closers.push(() => rm(dir, { recursive: true, force: true }));
    const broker = answeringBroker(undefined, { action: 'decline' });
    const tools = await connect({ elicitation: broker.handler });
    const recorder = createRunRecorder({ dir });
    const agent = createAgent({
      gemini: await fakeGemini([turn.call('sign_in', {}), turn.text('You declined.')]),
      model: 'gemini-3-flash-preview',
      tools,
      plugins: [broker.plugin],
      recorder,
    });
    const result = await agent.run('Sign me in.');
    await recorder.flush();
    expect(result.text).toBe('You declined.');

    const [file] = await readdir(dir);
    const text = await readFile(join(dir, file as string), 'utf8');
    const lines = text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; kind?: string; data?: unknown });
    const plugin = lines.filter((line) => line.type === 'plugin');
    // The recording keeps a plugin's data as its JSON text (cut past a bound).
    expect(plugin.map((line) => [line.kind, JSON.parse(line.data as string)])).toEqual([
      [
        'elicitation-pending',
        expect.objectContaining({
          mode: 'url',
          host: 'calendar.example',
          message: 'Sign in to the calendar.',
        }),
      ],
      ['elicitation-resolved', expect.objectContaining({ action: 'decline' })],
    ]);
    // The page's one-time state stays with the broker.
    expect(text).not.toContain('one-time-state');
  });

  it("shows a subagent's request in the subagent's path", async () => {
    const broker = answeringBroker(undefined, { action: 'accept', content: { people: 2 } });
    const tools = await connect({ elicitation: broker.handler });
    const gemini = await fakeGemini([
      turn.call('booker', { task: 'Book for two.' }),
      turn.call('book_table', {}),
      turn.text('Booked for two.'),
      turn.text('Your table is booked.'),
    ]);
    const booker = createAgent({
      name: 'booker',
      gemini,
      model: 'gemini-3-flash-preview',
      tools,
    });
    const agent = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [subagent(booker, { name: 'booker', description: 'Books tables.' })],
      // Inherited: the subagent's MCP calls are tied to the subagent's run.
      plugins: [broker.plugin],
    });
    const events: AgentEvent[] = [];
    for await (const event of agent.stream('Book a table.')) events.push(event as AgentEvent);
    const reported = pluginEvents(events);
    expect(reported.map((event) => [event.path, event.kind])).toEqual([
      [['booker#1'], 'elicitation-pending'],
      [['booker#1'], 'elicitation-resolved'],
    ]);
  });

  it('shows a sampling call with its tokens and cost, never its prompt or answer', async () => {
    const link = createMcpRunLink();
    const gemini = await fakeGemini([
      turn.call('summarize', {}),
      turn.text('A secret summary.'),
      turn.text('Summarized.'),
    ]);
    const agent = await samplingAgent(gemini, link);
    const events: AgentEvent[] = [];
    for await (const event of agent.stream('Summarize.')) events.push(event as AgentEvent);
    const reported = pluginEvents(events);
    expect(reported).toHaveLength(1);
    const data = reported[0]?.data as {
      server: string;
      usage: { totalTokenCount: number };
      cost: { total: string | null };
    };
    expect(reported[0]?.kind).toBe('sampling');
    expect(data.server).toBe('server "bookings"');
    expect(data.usage.totalTokenCount).toBeGreaterThan(0);
    expect(data.cost.total).toMatch(/^\d+\.\d+$/);
    const shown = JSON.stringify(reported);
    expect(shown).not.toContain('private notes');
    expect(shown).not.toContain('secret summary');
  });

  it('shows each sampling call of a turn whose calls run at once in a run with a recorder (a durable run)', async () => {
    // A durable run gives each call's wrapToolCall a run of the call's own (its reports made
    // while the tool runs are kept with the tool's step): two calls of one run in flight are
    // still one run, and each request the server makes is shown in it.
    const link = createMcpRunLink();
    const gemini = await fakeGemini((request) =>
      JSON.stringify(request.body).includes('Summarize: private notes.')
        ? turn.text('Short.')
        : (request.body as { contents: unknown[] }).contents.length === 1
          ? turn.calls([
              { name: 'summarize', args: {} },
              { name: 'summarize', args: {} },
            ])
          : turn.text('Summarized twice.'),
    );
    const agent = await samplingAgent(gemini, link);
    const stream = agentTurnsOf(agent).stream(
      'Summarize.',
      {},
      undefined,
      undefined,
      (_name, call) => call(),
    );
    const events: AgentEvent[] = [];
    for await (const event of stream) events.push(event as AgentEvent);
    expect((await stream.result).text).toBe('Summarized twice.');
    expect(pluginEvents(events).map((event) => event.kind)).toEqual(['sampling', 'sampling']);
  });

  it("puts the request on the run's span: names always, the summary only with content", async () => {
    for (const recordContent of [false, true]) {
      const tracing = recordingTracerProvider();
      const broker = answeringBroker(undefined, { action: 'accept', content: { people: 3 } });
      const tools = await connect({ elicitation: broker.handler });
      const agent = createAgent({
        gemini: await fakeGemini([turn.call('book_table', {}), turn.text('Booked.')]),
        model: 'gemini-3-flash-preview',
        tools,
        plugins: [broker.plugin],
        telemetry: { tracerProvider: tracing.provider, recordContent, conventions: 'latest' },
      });
      await agent.run('Book a table.');
      const run = tracing.spans.find((span) => span.name.startsWith('invoke_agent'));
      const events = (run?.events ?? []).filter((event) => event.name === 'gemloop.plugin');
      expect(events.map((event) => event.attributes['gemloop.plugin.kind'])).toEqual([
        'elicitation-pending',
        'elicitation-resolved',
      ]);
      expect(events[0]?.attributes['gemloop.plugin.name']).toBe('mcp-requests');
      const data = events[0]?.attributes['gemloop.plugin.data'];
      if (recordContent) expect(JSON.parse(data as string)).toMatchObject({ mode: 'form' });
      else expect(data).toBeUndefined();
      // The answer itself is on no span.
      expect(JSON.stringify(tracing.spans.map((span) => span.events))).not.toContain('"people":3');
    }
  });

  it('tells no run when the calls in flight belong to two runs', async () => {
    const link = createMcpRunLink();
    const emitted: unknown[] = [];
    const fakeRun = (name: string) => ({ emit: (kind: string) => emitted.push([name, kind]) });
    const wrap = link.plugin.wrapToolCall as NonNullable<typeof link.plugin.wrapToolCall>;
    // Two calls, one per run, held open while the link is asked to report for both.
    const a = {};
    const b = {};
    const { trackCall } = await import('./mcp-calls-in-flight.ts');
    const client = {};
    const callA = { toolCallId: 'call_1_0', toolName: 'book_table' };
    const callB = { toolCallId: 'call_1_0', toolName: 'book_table' };
    trackCall(client, callA, a);
    trackCall(client, callB, b);
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const draft = (input: object) =>
      ({
        toolName: 'book_table',
        toolCallId: 'call_1_0',
        stepNumber: 1,
        callIndex: 0,
        args: {},
        input,
      }) as never;
    const runs = [
      wrap(draft(a), () => held.then(() => ({ type: 'value', value: 1 })), fakeRun('a') as never),
      wrap(draft(b), () => held.then(() => ({ type: 'value', value: 2 })), fakeRun('b') as never),
    ];
    expect(link.report([callA, callB], 'elicitation-pending', {})).toBe(false);
    expect(link.report([callB], 'elicitation-pending', {})).toBe(true);
    release();
    await Promise.all(runs);
    // Once the calls ended, nothing is told.
    expect(link.report([callA], 'elicitation-resolved', {})).toBe(false);
    expect(emitted).toEqual([['b', 'elicitation-pending']]);
  });
});
