import { describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { ModelCallError } from '../agent/errors/model-call-error.ts';
import { InteractionFailedError } from '../errors/files-and-batches/interaction-failed-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import { interactionsApi } from './interactions-api.ts';

// A hostile or broken server behind the Interactions backend: steps that are not what their type
// says, a status that is an Object.prototype key, usage that is not numbers. The agent reads the
// valid steps and drops the rest; nothing is thrown as a TypeError.

const hostileSteps = [
  { type: 'model_output', content: 'not an array' },
  { type: 'function_call', name: 5, arguments: 'x' },
  null,
  'a string',
  { type: 'thought', summary: { text: 'not an array' } },
  { type: 'google_search_result', result: [null, { url: 7 }] },
  { type: 'model_output', content: [null, { type: 'text', text: 'ok' }] },
];

function serverOf(body: string, contentType: string) {
  return createGemini({
    baseUrl: 'http://127.0.0.1:9/v1beta',
    apiKey: 'k',
    retry: false,
    fetch: async () =>
      new Response(body, { status: 200, headers: { 'content-type': contentType } }),
  });
}

describe('the Interactions backend against hostile steps', () => {
  it('unary: keeps the valid text, drops the rest, reads a prototype-key status as OTHER', async () => {
    const gemini = serverOf(
      JSON.stringify({
        id: 'i1',
        status: '__proto__',
        steps: hostileSteps,
        usage: { total_tokens: 'many', total_input_tokens: -3 },
      }),
      'application/json',
    );
    const result = await createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      api: interactionsApi(),
    }).run('Hi');
    expect(result.text).toBe('ok');
    expect(result.steps[0]?.finishReason).toBe('OTHER');
    expect(result.usage).toMatchObject({ promptTokenCount: 0, totalTokenCount: 0 });
  });

  it('streamed: events with missing or wrong fields are skipped', async () => {
    const events = [
      { event_type: 'interaction.created', interaction: 'nope' },
      { event_type: 'step.start', index: 0, step: null },
      { event_type: 'step.delta', index: 0, delta: null },
      { event_type: 'step.delta', index: 0, delta: { type: 'thought_summary', content: 5 } },
      { event_type: 'step.start', index: 1, step: { type: 'function_call', name: {} } },
      { event_type: 'step.delta', index: 2, delta: { type: 'text', text: 'ok' } },
      { event_type: 'interaction.completed', interaction: null },
    ];
    const gemini = serverOf(
      events.map((event) => `data: ${JSON.stringify(event)}\n\n`).join(''),
      'text/event-stream',
    );
    const stream = createAgent({
      gemini,
      model: 'gemini-2.5-flash',
      api: interactionsApi(),
    }).stream('Hi');
    for await (const _event of stream) {
      // drained
    }
    expect((await stream.result).text).toBe('ok');
  });
});

describe('the Interactions backend against a stream cut cleanly', () => {
  it('reads a stream that closed before saying how the interaction ended as interrupted, and does not continue from it', async () => {
    const cut = [
      { event_type: 'interaction.created', interaction: { id: 'i1', status: 'in_progress' } },
      { event_type: 'step.start', index: 0, step: { type: 'model_output' } },
      { event_type: 'step.delta', index: 0, delta: { type: 'text', text: 'The answer is' } },
      { event_type: 'interaction.status_update', interaction_id: 'i1', status: 'in_progress' },
    ];
    const done = [
      { event_type: 'interaction.created', interaction: { id: 'i2', status: 'in_progress' } },
      { event_type: 'step.delta', index: 0, delta: { type: 'text', text: 'Again.' } },
      { event_type: 'interaction.completed', interaction: { id: 'i2', status: 'completed' } },
    ];
    const sent: Record<string, unknown>[] = [];
    const bodies = [cut, done];
    const gemini = createGemini({
      baseUrl: 'http://127.0.0.1:9/v1beta',
      apiKey: 'k',
      retry: false,
      fetch: async (_url, init) => {
        sent.push(JSON.parse(String(init?.body)) as Record<string, unknown>);
        const events = bodies.shift() ?? [];
        return new Response(events.map((event) => `data: ${JSON.stringify(event)}\n\n`).join(''), {
          status: 200,
          headers: { 'content-type': 'text/event-stream' },
        });
      },
    });
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', api: interactionsApi() });
    const stream = agent.stream('Hi');
    for await (const _event of stream) {
      // drained
    }
    const result = await stream.result;
    expect(result.finishReason).toBe('interrupted');
    expect(result.steps[0]?.interrupted).toBe(true);
    // The next turn sends the history again: the cut interaction never answered it.
    const next = agent.stream([...result.contents, { role: 'user', parts: [{ text: 'Go on.' }] }]);
    for await (const _event of next) {
      // drained
    }
    expect((await next.result).text).toBe('Again.');
    expect(sent[1]?.['previous_interaction_id']).toBeUndefined();
  });
});

describe('the Interactions backend when the interaction fails', () => {
  const failed = {
    id: 'i1',
    status: 'failed',
    steps: [{ type: 'model_output', content: [{ type: 'text', text: 'The ans' }] }],
    usage: { total_input_tokens: 5, total_output_tokens: 2, total_tokens: 7 },
  };
  const streamed = [
    { event_type: 'interaction.created', interaction: { id: 'i1', status: 'in_progress' } },
    { event_type: 'step.delta', index: 0, delta: { type: 'text', text: 'The ans' } },
    {
      event_type: 'interaction.completed',
      interaction: { ...failed, error: { message: 'The model stopped.' } },
    },
  ];

  it.each([
    ['unary', JSON.stringify(failed), 'application/json'],
    [
      'streamed',
      streamed.map((event) => `data: ${JSON.stringify(event)}\n\n`).join(''),
      'text/event-stream',
    ],
  ])(
    'fails the %s step with InteractionFailedError, as a background call does, not as an answer',
    async (mode, body, type) => {
      const agent = createAgent({
        gemini: serverOf(body, type),
        model: 'gemini-2.5-flash',
        api: interactionsApi(),
      });
      const run = async () => {
        if (mode === 'unary') return agent.run('Hi');
        const stream = agent.stream('Hi');
        for await (const _event of stream) {
          // drained
        }
        return stream.result;
      };
      const error = await run().then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(ModelCallError.isInstance(error)).toBe(true);
      const cause = (error as ModelCallError).cause;
      expect(InteractionFailedError.isInstance(cause)).toBe(true);
      expect(cause).toMatchObject({ interactionId: 'i1', status: 'failed' });
      // What the failed interaction was billed is counted.
      expect((error as ModelCallError).run.usage.totalTokenCount).toBe(7);
    },
  );
});

describe('the Interactions backend when a foreground create is answered still running', () => {
  it('waits for the interaction as a background one is, instead of reading it as a finished empty answer', async () => {
    const requests: string[] = [];
    const replies = [
      { id: 'i1', status: 'in_progress', steps: [] },
      {
        id: 'i1',
        status: 'completed',
        steps: [{ type: 'model_output', content: [{ type: 'text', text: 'Done.' }] }],
        usage: { total_input_tokens: 3, total_output_tokens: 1, total_tokens: 4 },
      },
      {
        id: 'i2',
        status: 'completed',
        steps: [{ type: 'model_output', content: [{ type: 'text', text: 'Again.' }] }],
      },
    ];
    const sent: Record<string, unknown>[] = [];
    const gemini = createGemini({
      baseUrl: 'http://127.0.0.1:9/v1beta',
      apiKey: 'k',
      retry: false,
      fetch: async (url, init) => {
        requests.push(`${init?.method ?? 'GET'} ${new URL(String(url)).pathname}`);
        if (init?.body !== undefined) sent.push(JSON.parse(String(init.body)));
        return new Response(JSON.stringify(replies.shift()), { status: 200 });
      },
    });
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', api: interactionsApi() });
    const result = await agent.run('Hi');
    expect(result.text).toBe('Done.');
    expect(result.steps[0]?.finishReason).toBe('STOP');
    expect(result.usage.totalTokenCount).toBe(4);
    expect(requests).toEqual(['POST /v1beta/interactions', 'GET /v1beta/interactions/i1']);
    // Answered: the next turn continues it on the server.
    const next = await agent.run([
      ...result.contents,
      { role: 'user', parts: [{ text: 'More.' }] },
    ]);
    expect(next.text).toBe('Again.');
    expect(sent[1]?.['previous_interaction_id']).toBe('i1');
  });
});

describe('the Interactions backend when the failed interaction says why', () => {
  // The API's `Interaction.error` on a failed interaction: a unary body with an `error` field was
  // taken for a Google error body (an ApiCallError), where the streamed step ends in
  // InteractionFailedError; and the server's message went into the error's message whole, a
  // gateway's internal URL with its credentials too.
  const failed = {
    id: 'i1',
    status: 'failed',
    steps: [],
    error: {
      code: 'resource_exhausted',
      message: 'Upstream quota exhausted at https://svc:hunter2@10.0.0.5:8443/v1/quota',
    },
  };
  it.each([
    ['unary', JSON.stringify(failed), 'application/json'],
    [
      'streamed',
      [
        { event_type: 'interaction.created', interaction: { id: 'i1', status: 'in_progress' } },
        { event_type: 'interaction.completed', interaction: failed },
      ]
        .map((event) => `data: ${JSON.stringify(event)}\n\n`)
        .join(''),
      'text/event-stream',
    ],
  ])(
    '%s: InteractionFailedError with the API error as data, its message without the address',
    async (mode, body, type) => {
      const agent = createAgent({
        gemini: serverOf(body, type),
        model: 'gemini-2.5-flash',
        api: interactionsApi(),
      });
      const run = async () => {
        if (mode === 'unary') return agent.run('Hi');
        const stream = agent.stream('Hi');
        for await (const _event of stream) {
          // drained
        }
        return stream.result;
      };
      const error = await run().then(
        () => undefined,
        (caught: unknown) => caught,
      );
      const cause = (error as ModelCallError).cause as InteractionFailedError;
      expect(InteractionFailedError.isInstance(cause)).toBe(true);
      expect(cause).toMatchObject({ interactionId: 'i1', status: 'failed', error: failed.error });
      expect(cause.message).toContain('Upstream quota exhausted');
      for (const message of [cause.message, (error as Error).message]) {
        expect(message).not.toContain('hunter2');
        expect(message).not.toContain('10.0.0.5');
      }
    },
  );
});
