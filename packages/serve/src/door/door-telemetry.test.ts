// Every door's runs seen from outside in OpenTelemetry's in-memory exporter, with a context
// manager as the Node SDK registers one: a door span around each run, the child of the span that
// was active when the request came, the parent of the agent's own spans; and each run in the
// agent's recorder, for the viewer. Each door is driven by its protocol's official client (AG-UI
// by its wire format), in process through the mounted handler.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Task } from '@a2a-js/sdk';
import {
  ClientFactory,
  DefaultAgentCardResolver,
  JsonRpcTransportFactory,
} from '@a2a-js/sdk/client';
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { createRunRecorder, type RunRecorder } from '@gemloop/core/recorder';
import { createFakeGemini, type FakeTurn, turn } from '@gemloop/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { context, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { z } from 'zod';
import { ownerOfBearer, waitTool } from '../__fixtures__/order-fixtures.ts';
import { userMessage } from '../a2a/__fixtures__/serve-a2a.ts';
import { mountDoors } from './mount-doors.ts';

const KEYS = { alice: 'span-door-alice-0123456789' } as const;
const ORIGIN = 'http://doors.test';
const SECRET = 'db-password-hunter2';

const contextManager = new AsyncLocalStorageContextManager();
beforeAll(() => {
  contextManager.enable();
  context.setGlobalContextManager(contextManager);
});
afterAll(() => {
  context.disable();
});

function traced() {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  return { exporter, tracerProvider, tracer: tracerProvider.getTracer('test') };
}

function agentOn(
  script: FakeTurn[],
  options: { tracerProvider: BasicTracerProvider; recorder?: RunRecorder; failing?: boolean },
) {
  const fake = createFakeGemini({ script });
  const gemini = createGemini({ apiKey: 'gemini-secret-key', retry: false, fetch: fake.fetch });
  const lookup = defineTool({
    name: 'lookup_order',
    description: 'Looks an order up.',
    parameters: z.object({ order: z.string() }),
    execute: () => {
      throw new Error(`connect to postgres://admin:${SECRET}@10.0.0.5 failed`);
    },
  });
  return createAgent({
    gemini,
    model: 'gemini-2.5-flash',
    name: 'support',
    telemetry: { tracerProvider: options.tracerProvider },
    ...(options.recorder === undefined ? {} : { recorder: options.recorder }),
    ...(options.failing === true ? { tools: [lookup], toolErrors: 'throw' as const } : {}),
  });
}

/** `fetch` into the mounted handler, in process (so the caller's active span reaches the door). */
function inProcess(handler: (request: Request) => Promise<Response>): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const headers = new Headers(request.headers);
    headers.set('authorization', `Bearer ${KEYS.alice}`);
    return handler(new Request(request, { headers }));
  };
}

/** Runs `fn` inside a span of the test's tracer: the request's parent, as an HTTP span would be. */
async function inSpan(tracer: Tracer, fn: () => Promise<unknown>) {
  return tracer.startActiveSpan('client request', async (span) => {
    try {
      await fn();
    } finally {
      span.end();
    }
    return span.spanContext().spanId;
  });
}

function doorsFor(tracerProvider: BasicTracerProvider, agent: () => ReturnType<typeof agentOn>) {
  const doors = mountDoors({
    authorize: (request) => ownerOfBearer(KEYS, request),
    tracerProvider,
    openai: { agents: { support: agent() } },
    mcp: { agents: { support: agent() } },
    agUi: { agent: agent() },
    a2a: { agent: agent(), card: { name: 'support', description: 'Answers.' } },
  });
  onTestFinished(() => doors.close());
  return doors;
}

/** Drives each door once with its client, each call inside a parent span; its spans by door. */
async function callEveryDoor(
  doors: ReturnType<typeof mountDoors>,
  tracer: Tracer,
): Promise<Record<string, string>> {
  const fetchDoor = inProcess(doors.handler);
  const parents: Record<string, string> = {};
  const openai = new OpenAI({
    apiKey: KEYS.alice,
    baseURL: `${ORIGIN}/v1`,
    maxRetries: 0,
    fetch: fetchDoor,
  });
  parents['openai chat.completions'] = await inSpan(tracer, () =>
    openai.chat.completions
      .create({ model: 'support', messages: [{ role: 'user', content: 'Where is A-7?' }] })
      .catch(() => undefined),
  );
  parents['openai responses'] = await inSpan(tracer, async () => {
    const stream = await openai.responses
      .create({ model: 'support', input: 'Where is A-7?', stream: true })
      .catch(() => undefined);
    if (stream !== undefined) for await (const _ of stream) void _;
  });
  const mcp = new Client({ name: 'span-test', version: '1.0.0' });
  onTestFinished(() => mcp.close());
  await mcp.connect(
    new StreamableHTTPClientTransport(new URL(`${ORIGIN}/mcp`), { fetch: fetchDoor }),
  );
  parents['mcp tools/call'] = await inSpan(tracer, () =>
    mcp.callTool({ name: 'ask_support', arguments: { message: 'Where is A-7?' } }),
  );
  parents['ag-ui run'] = await inSpan(tracer, async () => {
    const response = await fetchDoor(`${ORIGIN}/ag-ui`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({
        threadId: 't1',
        runId: 'r1',
        state: {},
        messages: [{ id: 'm1', role: 'user', content: 'Where is A-7?' }],
        tools: [],
        context: [],
        forwardedProps: {},
      }),
    });
    await response.text();
  });
  const a2a = await new ClientFactory({
    transports: [new JsonRpcTransportFactory({ fetchImpl: fetchDoor })],
    cardResolver: new DefaultAgentCardResolver({ fetchImpl: fetchDoor }),
  }).createFromUrl(`${ORIGIN}/a2a/`, '.well-known/agent-card.json');
  parents['a2a SendMessage'] = await inSpan(tracer, async () => {
    (await a2a.sendMessage(userMessage('Where is A-7?') as never)) as Task;
  });
  return parents;
}

function spansNamed(spans: readonly ReadableSpan[], name: string) {
  return spans.filter((span) => span.name === name);
}

describe('door spans', () => {
  it("puts each door's run in a door span: child of the request's span, parent of the agent's", async () => {
    const { exporter, tracerProvider, tracer } = traced();
    const dir = await mkdtemp(join(tmpdir(), 'door-recorder-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const recorder = createRunRecorder({ dir });
    const doors = doorsFor(tracerProvider, () =>
      agentOn([turn.text('A-7 ships today.'), turn.text('A-7 ships today.')], {
        tracerProvider,
        recorder,
      }),
    );
    const parents = await callEveryDoor(doors, tracer);
    // The stream-ended spans end with their run, a moment after the answer.
    await expect
      .poll(() =>
        exporter.getFinishedSpans().filter((span) => span.name.startsWith('invoke_agent')),
      )
      .toHaveLength(5);
    const spans = exporter.getFinishedSpans();
    for (const [name, parent] of Object.entries(parents)) {
      const [door] = spansNamed(spans, name);
      expect(door, name).toBeDefined();
      expect(door?.parentSpanContext?.spanId, name).toBe(parent);
      expect(door?.attributes, name).toEqual({
        'gemloop.door.name': name.split(' ')[0],
        'gemloop.door.operation': name.split(' ')[1],
        'gen_ai.agent.name': 'support',
        'gemloop.door.streaming': name !== 'openai chat.completions',
        'gemloop.door.outcome': 'completed',
      });
      expect(door?.status.code, name).toBe(0);
      const runs = spans.filter(
        (span) =>
          span.name.startsWith('invoke_agent') &&
          span.parentSpanContext?.spanId === door?.spanContext().spanId,
      );
      expect(runs, name).toHaveLength(1);
      expect(runs[0]?.spanContext().traceId, name).toBe(door?.spanContext().traceId);
    }
    // Nothing of the caller in the door spans: not the key, not the owner, not the question.
    const doorSpans = spans.filter((span) => span.attributes['gemloop.door.name'] !== undefined);
    expect(doorSpans).toHaveLength(5);
    const shown = JSON.stringify(doorSpans.map((span) => [span.attributes, span.events]));
    for (const hidden of [KEYS.alice, 'alice', 'Where is A-7?'])
      expect(shown).not.toContain(hidden);

    // Each door's run is in the agent's recorder, for `gemloop view`.
    await recorder.flush();
    const files = (await readdir(dir)).filter((file) => file.endsWith('.jsonl'));
    expect(files).toHaveLength(5);
    for (const file of files) {
      const recorded = await readFile(join(dir, file), 'utf8');
      expect(recorded).toContain('Where is A-7?');
      expect(recorded).toContain('A-7 ships today.');
    }
  });

  it('marks a failed run failed with its error type, never its message', async () => {
    const { exporter, tracerProvider, tracer } = traced();
    const doors = doorsFor(tracerProvider, () =>
      agentOn(
        [turn.call('lookup_order', { order: 'A-7' }), turn.call('lookup_order', { order: 'A-7' })],
        { tracerProvider, failing: true },
      ),
    );
    const parents = await callEveryDoor(doors, tracer);
    await expect
      .poll(
        () =>
          exporter
            .getFinishedSpans()
            .filter((span) => span.attributes['gemloop.door.name'] !== undefined).length,
      )
      .toBe(5);
    const spans = exporter.getFinishedSpans();
    for (const name of Object.keys(parents)) {
      const [door] = spansNamed(spans, name);
      expect(door?.attributes['gemloop.door.outcome'], name).toBe('failed');
      expect(door?.attributes['error.type'], name).toBe('ToolExecutionError');
      expect(door?.status, name).toEqual({ code: 2 });
    }
    const doorSpans = spans.filter((span) => span.attributes['gemloop.door.name'] !== undefined);
    expect(
      JSON.stringify(doorSpans.map((span) => [span.attributes, span.events, span.status])),
    ).not.toContain(SECRET);
  });

  it('marks a run its client cancels canceled, not failed', async () => {
    const { exporter, tracerProvider } = traced();
    const waiting = waitTool();
    const fake = createFakeGemini({ script: [turn.call('wait_for_it', {})] });
    const agent = createAgent({
      gemini: createGemini({ apiKey: 'gemini-secret-key', retry: false, fetch: fake.fetch }),
      model: 'gemini-2.5-flash',
      tools: [waiting.tool],
    });
    const doors = mountDoors({
      authorize: (request) => ownerOfBearer(KEYS, request),
      tracerProvider,
      mcp: { agents: { support: agent } },
    });
    onTestFinished(() => doors.close());
    const mcp = new Client({ name: 'span-test', version: '1.0.0' });
    onTestFinished(() => mcp.close());
    await mcp.connect(
      new StreamableHTTPClientTransport(new URL(`${ORIGIN}/mcp`), {
        fetch: inProcess(doors.handler),
      }),
    );
    const abort = new AbortController();
    const call = mcp
      .callTool({ name: 'ask_support', arguments: { message: 'Wait.' } }, undefined, {
        signal: abort.signal,
      })
      .catch((error: unknown) => error);
    await waiting.started;
    abort.abort();
    await call;
    await expect
      .poll(() => spansNamed(exporter.getFinishedSpans(), 'mcp tools/call'))
      .toHaveLength(1);
    const [door] = spansNamed(exporter.getFinishedSpans(), 'mcp tools/call');
    expect(door?.attributes['gemloop.door.outcome']).toBe('canceled');
    expect(door?.attributes['error.type']).toBeUndefined();
    expect(door?.status.code).toBe(0);
  });

  it('makes no span without a tracer provider, and serves as before', async () => {
    const { exporter, tracerProvider } = traced();
    const doors = mountDoors({
      authorize: (request) => ownerOfBearer(KEYS, request),
      openai: { agents: { support: agentOn([turn.text('Untraced.')], { tracerProvider }) } },
    });
    const openai = new OpenAI({
      apiKey: KEYS.alice,
      baseURL: `${ORIGIN}/v1`,
      maxRetries: 0,
      fetch: inProcess(doors.handler),
    });
    const answer = await openai.chat.completions.create({
      model: 'support',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(answer.choices[0]?.message.content).toBe('Untraced.');
    const names = exporter.getFinishedSpans().map((span) => span.name);
    expect(names.some((name) => name.startsWith('invoke_agent'))).toBe(true);
    expect(names.filter((name) => name.startsWith('openai '))).toEqual([]);
  });
});
