import { describe, expect, it } from 'vitest';
import { verifyFakeSignature } from '../contract/fake-signatures.ts';
import { createFakeGemini } from '../create-fake-gemini.ts';
import { turn } from '../script/fake-turn.ts';
import type { CreateFakeGeminiOptions } from '../script/fake-types.ts';

// An interaction's life on the fake's Interactions API (the steps schema, `Api-Revision:
// 2026-05-20`; `@google/genai` 3.1.0 `dist/genai.d.ts`: `Interaction`, `Step`, `Usage`, the
// `interaction.*` and `step.*` events): created, answered, continued by
// `previous_interaction_id`, streamed and resumed by `last_event_id`, failed, deleted.

type Json = Record<string, unknown>;
const model = 'gemini-3-flash-preview';

function start(options: CreateFakeGeminiOptions = {}) {
  const fake = createFakeGemini(options);
  const call = async (path: string, init: { method?: string; body?: unknown } = {}) => {
    const response = await fake.fetch(`https://x/v1beta/${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: { 'x-goog-api-key': 'k' },
      ...(init.body === undefined
        ? {}
        : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
    });
    return { status: response.status, json: (await response.json()) as Json };
  };
  return { fake, call };
}

/** The `data:` events of an SSE body. */
function eventsOf(text: string): Json[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => JSON.parse(line.slice(6)) as Json);
}

/** Reads a body until it ends or the connection drops; returns what arrived. */
async function readUntilDropped(response: Response): Promise<{ text: string; dropped: boolean }> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text, dropped: false };
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    return { text, dropped: true };
  }
}

describe('the fake Interactions API: an interaction’s life', () => {
  it('answers a text turn as a completed interaction: a model_output step, usage in its own names', async () => {
    const { call } = start({ script: [turn.text('Paris.')] });
    const created = await call('interactions', { body: { model, input: 'Capital of France?' } });
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({
      id: expect.any(String),
      object: 'interaction',
      status: 'completed',
      model,
      // Gemini 3: the signature of the reasoning behind the answer on a thought step before it
      // (ai.google.dev/gemini-api/docs/interactions/thinking: every thought step has one).
      steps: [
        { type: 'thought', signature: expect.any(String) },
        { type: 'model_output', content: [{ type: 'text', text: 'Paris.' }] },
      ],
      usage: {
        total_input_tokens: expect.any(Number),
        total_output_tokens: expect.any(Number),
        total_tokens: expect.any(Number),
      },
    });
    const signature = (created.json['steps'] as Json[])[0]?.['signature'] as string;
    expect(verifyFakeSignature(signature, model)).toBe('valid');
    const usage = created.json['usage'] as Record<string, number>;
    expect(usage['total_tokens']).toBe(
      (usage['total_input_tokens'] ?? 0) +
        (usage['total_output_tokens'] ?? 0) +
        (usage['total_thought_tokens'] ?? 0),
    );
    expect(created.json).not.toHaveProperty('previous_interaction_id');
    // A get answers the same interaction.
    expect((await call(`interactions/${created.json['id']}`)).json).toEqual(created.json);
  });

  it('continues a stored interaction: the model sees the earlier turns, the answer names its previous', async () => {
    const seen: number[] = [];
    const { call } = start({
      script: (request) => {
        seen.push(request.body.contents?.length ?? 0);
        return turn.text(`turn ${seen.length}`);
      },
    });
    const first = await call('interactions', { body: { model, input: 'one' } });
    const second = await call('interactions', {
      body: { model, input: 'two', previous_interaction_id: first.json['id'] },
    });
    expect(second.json).toMatchObject({
      status: 'completed',
      previous_interaction_id: first.json['id'],
    });
    // user, model, user: the first exchange was sent again by the server, not by the client.
    expect(seen).toEqual([1, 3]);
  });

  it('refuses to continue an interaction created with store: false', async () => {
    const { call } = start();
    const unstored = await call('interactions', { body: { model, input: 'one', store: false } });
    expect(unstored.status).toBe(200);
    const refused = await call('interactions', {
      body: { model, input: 'two', previous_interaction_id: unstored.json['id'] },
    });
    expect(refused.status).toBe(404);
    expect((refused.json['error'] as Json)['message']).toBe(
      `previous_interaction_id ${unstored.json['id']} names no stored interaction.`,
    );
  });

  it('asks for a call, then takes its result by call id with the name of the call', async () => {
    const responses: unknown[] = [];
    const { call } = start({
      script: [
        turn.call('weather', { city: 'Paris' }),
        (_request, context) => {
          responses.push(...context.functionResponses);
          return turn.text('18 °C.');
        },
      ],
    });
    const asked = await call('interactions', {
      body: {
        model,
        input: 'Weather in Paris?',
        tools: [{ type: 'function', name: 'weather', description: 'Weather of a city.' }],
      },
    });
    expect(asked.json['status']).toBe('requires_action');
    const step = (asked.json['steps'] as Json[]).find((each) => each['type'] === 'function_call');
    expect(step).toMatchObject({ name: 'weather', arguments: { city: 'Paris' } });
    const answered = await call('interactions', {
      body: {
        model,
        previous_interaction_id: asked.json['id'],
        input: [{ type: 'function_result', call_id: step?.['id'], result: { celsius: 18 } }],
      },
    });
    expect(answered.json['status']).toBe('completed');
    expect(responses).toEqual([
      expect.objectContaining({ name: 'weather', response: { celsius: 18 } }),
    ]);
  });

  it('streams its events with ids in order, and a resume from an event id sends only the rest', async () => {
    const { fake, call } = start({ script: [turn.text('A fairly long answer.')], chunkSize: 8 });
    const response = await fake.fetch('https://x/v1beta/interactions', {
      method: 'POST',
      headers: { 'x-goog-api-key': 'k' },
      body: JSON.stringify({ model, input: 'q', stream: true }),
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const events = eventsOf(await response.text());
    expect(events.map((event) => event['event_type'])).toEqual([
      'interaction.created',
      // The thought step and its signature's delta (`ThoughtSignatureDelta`), then the text.
      'step.start',
      'step.delta',
      'step.stop',
      'step.start',
      'step.delta',
      'step.delta',
      'step.delta',
      'step.stop',
      'interaction.status_update',
      'interaction.completed',
    ]);
    expect(events[1]?.['step']).toEqual({ type: 'thought' });
    expect(events[2]?.['delta']).toEqual({
      type: 'thought_signature',
      signature: expect.any(String),
    });
    const text = events
      .filter((event) => (event['delta'] as Json | undefined)?.['type'] === 'text')
      .map((event) => (event['delta'] as { text: string }).text)
      .join('');
    expect(text).toBe('A fairly long answer.');
    const id = String((events[0]?.['interaction'] as Json | undefined)?.['id']);
    expect(events.map((event) => event['event_id'])).toEqual(
      events.map((_, index) => `${id}-e${index + 1}`),
    );
    expect(events.at(-1)?.['interaction']).toMatchObject({ id, status: 'completed' });

    const resumed = await fake.fetch(
      `https://x/v1beta/interactions/${id}?stream=true&last_event_id=${id}-e5`,
      { headers: { 'x-goog-api-key': 'k' } },
    );
    expect(eventsOf(await resumed.text())).toEqual(events.slice(5));
    // A get without stream answers JSON, not events.
    expect((await call(`interactions/${id}`)).json['status']).toBe('completed');
  });

  it('drops the first stream after dropStreamAfterEvents; a resume from the last event gets the rest', async () => {
    const { fake } = start({
      script: [turn.text('Twelve chars')],
      chunkSize: 4,
      interactions: { dropStreamAfterEvents: 3 },
    });
    const response = await fake.fetch('https://x/v1beta/interactions', {
      method: 'POST',
      headers: { 'x-goog-api-key': 'k' },
      body: JSON.stringify({ model, input: 'q', stream: true }),
    });
    const first = await readUntilDropped(response);
    expect(first.dropped).toBe(true);
    const got = eventsOf(first.text);
    expect(got).toHaveLength(3);
    const id = String((got[0]?.['interaction'] as Json | undefined)?.['id']);
    const rest = await fake.fetch(
      `https://x/v1beta/interactions/${id}?stream=true&last_event_id=${String(got.at(-1)?.['event_id'])}`,
      { headers: { 'x-goog-api-key': 'k' } },
    );
    const events = [...got, ...eventsOf(await rest.text())];
    expect(events.at(-1)?.['event_type']).toBe('interaction.completed');
    expect(
      events
        .filter((event) => event['event_type'] === 'step.delta')
        .map((event) => (event['delta'] as { text: string }).text)
        .join(''),
    ).toBe('Twelve chars');
  });

  it('fails an interaction whose model call fails, answering the call’s error', async () => {
    const { fake, call } = start();
    fake.failNext({ type: 'overloaded' });
    const failed = await call('interactions', { body: { model, input: 'q' } });
    expect(failed.status).toBe(503);
    expect(failed.json['error']).toMatchObject({ code: 503, status: 'UNAVAILABLE' });
    // The fault was for one call: the retry is answered.
    expect((await call('interactions', { body: { model, input: 'q' } })).json['status']).toBe(
      'completed',
    );
  });

  it('deletes an interaction: then get, cancel and previous_interaction_id no longer find it', async () => {
    const { call } = start();
    const created = await call('interactions', { body: { model, input: 'q' } });
    const id = created.json['id'] as string;
    expect(await call(`interactions/${id}`, { method: 'DELETE' })).toEqual({
      status: 200,
      json: {},
    });
    expect((await call(`interactions/${id}`)).status).toBe(404);
    expect((await call(`interactions/${id}/cancel`, { method: 'POST' })).status).toBe(404);
    expect(
      (await call('interactions', { body: { model, input: 'again', previous_interaction_id: id } }))
        .status,
    ).toBe(404);
  });
});

describe('the fake Interactions API: requests it refuses', () => {
  it.each([
    ['a body that is not JSON', '{"model":', 400, 'Invalid JSON payload received.'],
    ['a body that is no object', '["model"]', 400, 'The body must be an object.'],
    [
      'neither model nor agent',
      { input: 'q' },
      400,
      'Exactly one of `model` and `agent` must be set.',
    ],
    [
      'both model and agent',
      { model, agent: 'deep-research-x', input: 'q' },
      400,
      'Exactly one of',
    ],
    ['an empty input', { model, input: '' }, 400, '`input` is empty.'],
  ])('refuses %s', async (_, body, status, message) => {
    const { fake, call } = start();
    const answer = await call('interactions', { body });
    expect(answer.status).toBe(status);
    expect((answer.json['error'] as Json)['message']).toContain(message);
    // Nothing ran: no interaction was answered by the script.
    expect(fake.turnsDelivered).toBe(0);
  });

  it.each([
    ['GET on the collection', 'GET', 'interactions'],
    ['PUT on an interaction', 'PUT', 'interactions/ID'],
    ['GET on cancel', 'GET', 'interactions/ID/cancel'],
  ])('404s %s', async (_, method, path) => {
    const { call } = start();
    const created = await call('interactions', { body: { model, input: 'q' } });
    const answer = await call(path.replace('ID', String(created.json['id'])), {
      method,
      ...(method === 'GET' ? {} : { body: {} }),
    });
    expect(answer.status).toBe(404);
  });
});

describe('the fake Interactions API: what the model wrote, and its signature sent back', () => {
  it('answers an image the script has the model write as model_output content, whole and as a delta', async () => {
    const png = 'iVBORw0KGgo=';
    const { fake, call } = start({
      script: [
        turn.parts([{ text: 'Here:' }, { inlineData: { mimeType: 'image/png', data: png } }]),
      ],
    });
    const created = await call('interactions', { body: { model, input: 'Draw a cat' } });
    expect(created.json['steps']).toEqual([
      { type: 'thought', signature: expect.any(String) },
      {
        type: 'model_output',
        content: [
          { type: 'text', text: 'Here:' },
          { type: 'image', data: png, mime_type: 'image/png' },
        ],
      },
    ]);
    const response = await fake.fetch(
      `https://x/v1beta/interactions/${String(created.json['id'])}?stream=true`,
      { headers: { 'x-goog-api-key': 'k' } },
    );
    const deltas = eventsOf(await response.text())
      .filter((event) => event['event_type'] === 'step.delta')
      .map((event) => (event['delta'] as Json)['type']);
    expect(deltas).toEqual(['thought_signature', 'text', 'image']);
  });

  it('checks the thought step a stateless client sends back: its own signature passes, a made-up or another model’s is refused', async () => {
    const { call } = start({ script: () => turn.text('ok') });
    const first = await call('interactions', { body: { model, input: 'one', store: false } });
    const steps = first.json['steps'] as Json[];
    const signature = steps[0]?.['signature'] as string;
    const again = (thought: Json) =>
      call('interactions', {
        body: {
          model,
          store: false,
          input: [
            { type: 'user_input', content: [{ type: 'text', text: 'one' }] },
            thought,
            steps[1],
            { type: 'user_input', content: [{ type: 'text', text: 'two' }] },
          ],
        },
      });
    expect((await again({ type: 'thought', signature })).status).toBe(200);
    const madeUp = await again({ type: 'thought', signature: 'c2lnbmF0dXJl' });
    expect(madeUp.status).toBe(400);
    expect(JSON.stringify(madeUp.json)).toContain('Corrupted thought signature.');
    const { call: otherCall } = start({ script: () => turn.text('ok') });
    const other = await otherCall('interactions', {
      body: { model: 'gemini-3-pro-preview', input: 'one', store: false },
    });
    const foreign = (other.json['steps'] as Json[])[0]?.['signature'];
    const moved = await again({ type: 'thought', signature: foreign });
    expect(moved.status).toBe(400);
    expect(JSON.stringify(moved.json)).toContain('Invalid thought signature.');
    // The documented dummy passes, as on generateContent.
    const dummy = await again({ type: 'thought', signature: 'skip_thought_signature_validator' });
    expect(dummy.status).toBe(200);
  });

  it('takes a stateless call signed by the thought step before it, as the API answers a call, and refuses one signed nowhere', async () => {
    // The Interactions API answers a Gemini 3 call as a signed `thought` step and then the
    // `function_call` step (its signature field empty); a client that sends that back as given
    // was refused here with generateContent's missing-signature error. A call with no signature
    // on itself nor on a thought step just before it is refused, as generateContent refuses an
    // unsigned first call of the current turn.
    // Answers a call's result with text, anything else with the call.
    const { call } = start({
      script: (_request, { functionResponses }) =>
        functionResponses.length > 0 ? turn.text('done') : turn.call('lookup', { q: 'x' }),
    });
    const first = await call('interactions', {
      body: { model, input: 'find x', store: false, tools: [{ type: 'function', name: 'lookup' }] },
    });
    const [thoughtOrCall, maybeCall] = first.json['steps'] as Json[];
    const answered = (maybeCall ?? thoughtOrCall) as Json;
    const signature = (answered['signature'] ?? thoughtOrCall?.['signature']) as string;
    expect(verifyFakeSignature(signature, model)).toBe('valid');
    const { signature: _own, ...unsigned } = answered;
    const resend = (modelSteps: Json[]) =>
      call('interactions', {
        body: {
          model,
          store: false,
          tools: [{ type: 'function', name: 'lookup' }],
          input: [
            { type: 'user_input', content: [{ type: 'text', text: 'find x' }] },
            ...modelSteps,
            { type: 'function_result', call_id: unsigned['id'], name: 'lookup', result: { ok: 1 } },
          ],
        },
      });
    // The API's own shape: the signature on the thought step, none on the call.
    const apiShape = await resend([{ type: 'thought', signature }, unsigned]);
    expect(apiShape.status).toBe(200);
    expect((apiShape.json['steps'] as Json[]).at(-1)?.['type']).toBe('model_output');
    // Signed on the call itself, as before.
    expect((await resend([{ ...unsigned, signature }])).status).toBe(200);
    // Signed nowhere: no thought step, or one with no signature, or a signed thought that is
    // not just before the call (an output between them).
    for (const steps of [
      [unsigned],
      [{ type: 'thought', summary: [{ type: 'text', text: 'hmm' }] }, unsigned],
      [
        { type: 'thought', signature },
        { type: 'model_output', content: [{ type: 'text', text: 'Looking.' }] },
        unsigned,
      ],
    ]) {
      const refused = await resend(steps);
      expect(refused.status).toBe(400);
      expect(JSON.stringify(refused.json)).toContain('missing a thought_signature');
    }
  });
});
