import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiCallError } from '../errors/api-call-error.ts';
import { UnsupportedEndpointError } from '../errors/files-and-batches/unsupported-endpoint-error.ts';
import { AgentBackgroundError } from '../errors/interactions/agent-background-error.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { ResponseTooLargeError } from '../errors/response-too-large-error.ts';
import { StreamError } from '../errors/stream-error.ts';
import { TimeoutError } from '../errors/timeout-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import type { CreateGeminiOptions } from '../http/gemini.ts';
import type { ByteReader } from '../streaming/byte-reader.ts';
import { parseInteractionEvents } from '../streaming/parse-interaction-events.ts';
import type { InteractionEvent } from '../wire/interaction.ts';
import { createInteractions, INTERACTIONS_API_REVISION } from './create-interactions.ts';

let fake: FakeGemini | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const MODEL = 'gemini-3-flash-preview';

async function start(
  options: Parameters<typeof createFakeGemini>[0] = {},
  client: Partial<CreateGeminiOptions> = {},
) {
  fake = createFakeGemini({
    script: (_request, { lastUserText, functionResponses }) =>
      functionResponses.length > 0
        ? turn.text(`tool said ${JSON.stringify(functionResponses[0]?.response)}`)
        : lastUserText === 'weather?'
          ? turn.call('weather', { city: 'Paris' })
          : turn.text(`echo ${lastUserText}`),
    ...options,
  });
  const { url } = await fake.listen();
  return createInteractions(
    createGemini({ baseUrl: url, apiKey: 'test-key', retry: false, ...client }),
  );
}

async function collect(events: AsyncIterable<InteractionEvent>): Promise<InteractionEvent[]> {
  const out: InteractionEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

function textOf(events: InteractionEvent[]): string {
  return events
    .filter((event) => event.event_type === 'step.delta')
    .map((event) => (event as { delta: { text?: string } }).delta.text ?? '')
    .join('');
}

describe('interactions: unary', () => {
  it('creates, continues on the server with previous_interaction_id, and sends the steps revision', async () => {
    const interactions = await start();
    const first = await interactions.create({
      model: MODEL,
      input: 'weather?',
      tools: [
        {
          type: 'function',
          name: 'weather',
          description: 'Weather',
          parameters: { type: 'object' },
        },
      ],
    });
    expect(first.status).toBe('requires_action');
    const call = first.steps?.find((step) => step.type === 'function_call') as
      | { id: string; name: string; arguments: unknown }
      | undefined;
    expect(call).toMatchObject({ name: 'weather', arguments: { city: 'Paris' } });
    const second = await interactions.create({
      model: MODEL,
      previous_interaction_id: first.id,
      input: [{ type: 'function_result', call_id: call?.id as string, result: { sunny: true } }],
    });
    expect(second).toMatchObject({
      status: 'completed',
      previous_interaction_id: first.id,
      // A Gemini 3 answer: the reasoning's signature on a thought step before the output.
      steps: [
        { type: 'thought', signature: expect.stringMatching(/^[A-Za-z0-9+/]{40,}={0,2}$/) },
        { type: 'model_output', content: [{ type: 'text', text: 'tool said {"sunny":true}' }] },
      ],
    });
    const creates = (fake as FakeGemini).requests.filter((r) => r.method === 'interactions.create');
    expect(creates).toHaveLength(2);
    for (const request of creates) {
      expect(request.headers['api-revision']).toBe(INTERACTIONS_API_REVISION);
    }
    // Only the new input travels: the server holds the rest.
    expect(creates[1]?.body).toEqual({
      model: MODEL,
      previous_interaction_id: first.id,
      input: [{ type: 'function_result', call_id: call?.id, result: { sunny: true } }],
    });
  });

  it('gets, and deletes so a later get is a typed 404', async () => {
    const interactions = await start();
    const created = await interactions.create({ model: MODEL, input: 'hi' });
    expect((await interactions.get(created.id)).steps).toEqual(created.steps);
    await interactions.delete(created.id);
    const error = await interactions.get(created.id).catch((caught: unknown) => caught);
    expect(ApiCallError.isInstance(error) && error.status).toBe(404);
  });

  it('refuses bad input before sending, as a rejected promise, never a throw where it is called', async () => {
    const interactions = await start();
    // Each call returns its promise first: a caller's `.catch` (or a `Promise.all`) sees the error.
    const calls = {
      get: () => interactions.get('../models'),
      cancel: () => interactions.cancel(''),
      delete: () => interactions.delete(42 as unknown as string),
      create: () => interactions.create({ input: 'x' }),
      badOptions: () => interactions.get('abc', { timeoutMs: -1 }),
    };
    for (const [name, call] of Object.entries(calls)) {
      let promise: Promise<unknown> | undefined;
      expect(() => {
        promise = call();
      }, name).not.toThrow();
      await expect(promise, name).rejects.toBeInstanceOf(InvalidArgumentError);
    }
    await expect(interactions.create({ model: MODEL, input: 'x', stream: true })).rejects.toThrow(
      /interactions\.stream/,
    );
    expect((fake as FakeGemini).requests).toHaveLength(0);
  });

  it('stream and resume error through the stream on bad input, never throwing where called', async () => {
    const interactions = await start();
    const calls = {
      agentNeedsBackground: () =>
        interactions.stream({ agent: 'deep-research-pro-preview-12-2025', input: 'tides' }),
      agentRefusesBackground: () =>
        interactions.stream({
          agent: 'antigravity-preview-05-2026',
          input: 'go',
          background: true,
        }),
      noRequest: () => interactions.stream(null as unknown as { model: string; input: string }),
      noInput: () => interactions.stream({ model: MODEL }),
      badOptions: () => interactions.stream({ model: MODEL, input: 'x' }, { maxReconnects: -1 }),
      badId: () => interactions.resume('../models'),
      badResumeOptions: () => interactions.resume('abc', { maxReconnects: 1.5 }),
    };
    const expected: Record<string, unknown> = {
      agentNeedsBackground: AgentBackgroundError,
      agentRefusesBackground: AgentBackgroundError,
    };
    for (const [name, call] of Object.entries(calls)) {
      let stream: AsyncGenerator<unknown, void> | undefined;
      expect(() => {
        stream = call();
      }, name).not.toThrow();
      const error = await collect(stream as AsyncGenerator<InteractionEvent, void>).catch(
        (caught: unknown) => caught,
      );
      expect(error, name).toBeInstanceOf(expected[name] ?? InvalidArgumentError);
    }
    // A stream handed on and closed unread opens nothing.
    await interactions.stream({ model: MODEL, input: 'x' }).return(undefined);
    expect((fake as FakeGemini).requests).toHaveLength(0);
    // On a Vertex client, through the stream too.
    const vertex = createInteractions(
      createGemini({
        vertex: { project: 'p', location: 'us-central1', getAccessToken: () => 'token' },
        fetch: async () => new Response('{}'),
      }),
    );
    let streamed: AsyncGenerator<InteractionEvent, void> | undefined;
    expect(() => {
      streamed = vertex.stream({ model: MODEL, input: 'x' });
    }).not.toThrow();
    await expect(
      (streamed as AsyncGenerator<InteractionEvent, void>).next(),
    ).rejects.toBeInstanceOf(UnsupportedEndpointError);
  });

  it('rejects get, cancel and delete on a Vertex client with UnsupportedEndpointError', async () => {
    const interactions = createInteractions(
      createGemini({
        vertex: { project: 'p', location: 'us-central1', getAccessToken: () => 'token' },
        fetch: async () => new Response('{}'),
      }),
    );
    for (const call of [
      () => interactions.get('abc'),
      () => interactions.cancel('abc'),
      () => interactions.delete('abc'),
    ]) {
      let promise: Promise<unknown> | undefined;
      expect(() => {
        promise = call();
      }).not.toThrow();
      await expect(promise).rejects.toBeInstanceOf(UnsupportedEndpointError);
    }
  });

  it('a gateway without the route gets UnsupportedEndpointError', async () => {
    const interactions = createInteractions(
      createGemini({
        baseUrl: 'http://127.0.0.1:9/v1beta',
        apiKey: 'k',
        retry: false,
        fetch: async () => new Response('not here', { status: 404 }),
      }),
    );
    await expect(interactions.create({ model: MODEL, input: 'x' })).rejects.toBeInstanceOf(
      UnsupportedEndpointError,
    );
  });
});

describe('interactions: stream', () => {
  it('streams typed events with ids, the text as step deltas', async () => {
    const interactions = await start({ chunkSize: 4 });
    const events = await collect(interactions.stream({ model: MODEL, input: 'hello there' }));
    expect(events[0]?.event_type).toBe('interaction.created');
    expect(events.at(-1)?.event_type).toBe('interaction.completed');
    expect(textOf(events)).toBe('echo hello there');
    expect(events.every((event) => typeof event.event_id === 'string')).toBe(true);
  });

  it('resumes from the last event_id after the connection drops, each event once', async () => {
    const interactions = await start({ chunkSize: 4, interactions: { dropStreamAfterEvents: 3 } });
    const reconnects: unknown[] = [];
    const events = await collect(
      interactions.stream(
        { model: MODEL, input: 'hello there' },
        { onReconnect: (info) => reconnects.push(info) },
      ),
    );
    expect(textOf(events)).toBe('echo hello there');
    const ids = events.map((event) => event.event_id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(reconnects).toEqual([
      { interactionId: expect.any(String), lastEventId: ids[2], reconnect: 1 },
    ]);
    const resumed = (fake as FakeGemini).requests.at(-1);
    expect(resumed?.url).toContain(`last_event_id=${ids[2]}`);
  });

  it('throws the drop as a StreamError once the reconnects are used up', async () => {
    const interactions = await start({ interactions: { dropStreamAfterEvents: 2 } });
    const seen: InteractionEvent[] = [];
    const error = await (async () => {
      for await (const event of interactions.stream(
        { model: MODEL, input: 'hello' },
        { maxReconnects: 0 },
      ))
        seen.push(event);
    })().catch((caught: unknown) => caught);
    expect(seen).toHaveLength(2);
    expect(StreamError.isInstance(error)).toBe(true);
  });

  it('never puts an interaction id from the server that is not an id into the reconnect URL', async () => {
    const urls: string[] = [];
    const interactions = createInteractions(
      createGemini({
        baseUrl: 'http://127.0.0.1:9/v1beta',
        apiKey: 'test-key',
        retry: false,
        fetch: async (url) => {
          urls.push(String(url));
          const created = {
            event_type: 'interaction.created',
            event_id: 'e1',
            interaction: { id: '../../models/x', status: 'in_progress' },
          };
          // Cut inside the second event: a drop the stream would resume from `e1`.
          return new Response(`data: ${JSON.stringify(created)}\n\ndata: {"event_type":"st`, {
            status: 200,
            headers: { 'content-type': 'text/event-stream' },
          });
        },
      }),
    );
    const error = await collect(interactions.stream({ model: MODEL, input: 'hello' })).catch(
      (caught: unknown) => caught,
    );
    expect(StreamError.isInstance(error)).toBe(true);
    expect(urls).toEqual(['http://127.0.0.1:9/v1beta/interactions?alt=sse']);
  });
  it('refuses a stream that names another interaction (a reconnect answered with the events of another)', async () => {
    const urls: string[] = [];
    const event = (id: string, eventId: string, extra: object) =>
      `data: ${JSON.stringify({ event_id: eventId, ...extra, interaction: { id, status: 'in_progress' } })}\n\n`;
    const interactions = createInteractions(
      createGemini({
        baseUrl: 'http://127.0.0.1:9/v1beta',
        apiKey: 'test-key',
        retry: false,
        fetch: async (url) => {
          urls.push(String(url));
          // First the stream of `iA`, cut inside its second event; then a reconnect to `iA`
          // answered with the stream of `iB` (a proxy's cache, a load balancer's mix-up).
          const body =
            urls.length === 1
              ? `${event('iA', 'e1', { event_type: 'interaction.created' })}data: {"event_type":"st`
              : `${event('iB', 'x1', { event_type: 'interaction.created' })}${event('iB', 'x2', { event_type: 'interaction.completed' })}`;
          return new Response(body, {
            status: 200,
            headers: { 'content-type': 'text/event-stream' },
          });
        },
      }),
    );
    const seen: InteractionEvent[] = [];
    const error = await (async () => {
      for await (const item of interactions.stream({ model: MODEL, input: 'hello' }))
        seen.push(item);
    })().catch((caught: unknown) => caught);
    expect(urls[1]).toContain('/interactions/iA?');
    // Nothing of `iB` reaches the caller: its text would join `iA`'s, its id the agent's history.
    expect(seen.map((item) => item.event_id)).toEqual(['e1']);
    expect(StreamError.isInstance(error)).toBe(true);
    expect((error as StreamError).reason).toBe('invalid-chunk');
    expect((error as StreamError).chunksDelivered).toBe(1);
    expect((error as Error).message).toMatch(/interaction iA sent an event of interaction iB/);
  });
});

describe('interactions: background and built-in agents', () => {
  it('a background run answers at once, then wait polls it to completion', async () => {
    const interactions = await start({ interactions: { backgroundPolls: 2 } });
    const created = await interactions.create({ model: MODEL, input: 'slow', background: true });
    expect(created.status).toBe('in_progress');
    const statuses: string[] = [];
    const done = await interactions.wait(created, {
      pollIntervalMs: 1,
      onPoll: (value) => statuses.push((value as { status: string }).status),
    });
    expect(statuses).toEqual(['in_progress', 'in_progress', 'completed']);
    expect(done.steps).toEqual([
      { type: 'thought', signature: expect.stringMatching(/^[A-Za-z0-9+/]{40,}={0,2}$/) },
      { type: 'model_output', content: [{ type: 'text', text: 'echo slow' }] },
    ]);
  });

  it('stops waiting after maxPolls with a TimeoutError, the interaction going on (attack31)', async () => {
    // A gateway that answers in_progress forever was polled on with no bound but the signal.
    const interactions = await start({ interactions: { backgroundPolls: 50 } });
    const created = await interactions.create({ model: MODEL, input: 'slow', background: true });
    const error = await interactions.wait(created, { pollIntervalMs: 0, maxPolls: 3 }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      'interactions.wait: the interaction was still in_progress after 3 polls; it goes on server-side. Wait again, or raise options.maxPolls.',
    );
    expect((await interactions.get(created.id)).status).toBe('in_progress');
  });

  it('cancels a running background interaction', async () => {
    const interactions = await start({ interactions: { backgroundPolls: 5 } });
    const created = await interactions.create({ model: MODEL, input: 'slow', background: true });
    expect((await interactions.cancel(created.id)).status).toBe('cancelled');
    expect((await interactions.get(created.id)).status).toBe('cancelled');
  });

  it('runs the scripted Deep Research agent in the background with its progress steps, resumable by stream', async () => {
    const interactions = await start();
    // Refused before sending (AgentBackgroundError), as the server would refuse it.
    await expect(
      interactions.create({ agent: 'deep-research-pro-preview-12-2025', input: 'tides' }),
    ).rejects.toThrow(AgentBackgroundError);
    const created = await interactions.create({
      agent: 'deep-research-pro-preview-12-2025',
      input: 'tides',
      background: true,
    });
    const done = await interactions.wait(created.id, { pollIntervalMs: 1 });
    expect(done.steps?.map((step) => step.type)).toEqual([
      'thought',
      'google_search_call',
      'google_search_result',
      // The report's reasoning signature (the agent runs on a Gemini 3 model).
      'thought',
      'model_output',
    ]);
    const replay = await collect(interactions.resume(created.id));
    expect(replay[0]?.event_type).toBe('interaction.created');
    expect(textOf(replay)).toBe('echo tides');
  });
});

function readerOf(pieces: string[]): ByteReader {
  const bytes = pieces.map((piece) => new TextEncoder().encode(piece));
  return {
    read: async () => {
      const value = bytes.shift();
      return value === undefined ? { done: true, value: undefined } : { done: false, value };
    },
    cancel: async () => {},
  };
}

async function parseAll(pieces: string[], maxBytes = Number.POSITIVE_INFINITY) {
  const events: InteractionEvent[] = [];
  for await (const batch of parseInteractionEvents({
    body: readerOf(pieces),
    url: 'u',
    method: 'interactions.stream',
    watchAbort: () => {},
    signal: { aborted: false, throwIfAborted: () => {} },
    errorContext: { auth: 'x-goog-api-key', secrets: { values: ['secret-key'] } },
    maxEventSize: 1000,
    maxBytes,
  }))
    events.push(...batch);
  return events;
}

describe('parseInteractionEvents', () => {
  it('keeps unknown event and step types as data, taking the type from `event:` when data lacks it', async () => {
    const events = await parseAll([
      'event: step.start\ndata: {"index":0,"step":{"type":"hologram","beam":1},"event_id":"a"}\n\n',
      'data: {"event_type":"interaction.teleported","where":"moon","event_id":"b"}\n\n',
    ]);
    expect(events).toEqual([
      { event_type: 'step.start', index: 0, step: { type: 'hologram', beam: 1 }, event_id: 'a' },
      { event_type: 'interaction.teleported', where: 'moon', event_id: 'b' },
    ]);
  });

  it('throws an error event as an ApiCallError after the events before it, secrets scrubbed', async () => {
    const seen: InteractionEvent[] = [];
    const error = await (async () => {
      for await (const batch of parseInteractionEvents({
        body: readerOf([
          'data: {"event_type":"step.stop","index":0}\n\n',
          'data: {"event_type":"error","error":{"code":500,"message":"boom secret-key"}}\n\n',
        ]),
        url: 'u',
        method: 'interactions.stream',
        watchAbort: () => {},
        signal: { aborted: false, throwIfAborted: () => {} },
        errorContext: { auth: 'x-goog-api-key', secrets: { values: ['secret-key'] } },
        maxEventSize: 1000,
        maxBytes: Number.POSITIVE_INFINITY,
      }))
        seen.push(...batch);
    })().catch((caught: unknown) => caught);
    expect(seen).toHaveLength(1);
    expect(ApiCallError.isInstance(error) && error.status).toBe(500);
    expect(String((error as Error).message)).not.toContain('secret-key');
  });

  it('stops at maxBytes and at an event past maxEventSize, and names a cut event truncated', async () => {
    await expect(
      parseAll(['data: {"event_type":"a"}\n\n', 'data: {"event_type":"b"}\n\n'], 30),
    ).rejects.toBeInstanceOf(ResponseTooLargeError);
    await expect(parseAll([`data: ${'x'.repeat(2000)}`])).rejects.toMatchObject({
      reason: 'too-large',
    });
    await expect(
      parseAll(['data: {"event_type":"a"}\n\n', 'data: {"event_type":"b", "te']),
    ).rejects.toMatchObject({ reason: 'truncated', chunksDelivered: 1 });
  });
});
