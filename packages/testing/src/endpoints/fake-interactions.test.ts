import { afterEach, describe, expect, it } from 'vitest';
import { createFakeGemini, type FakeGemini } from '../create-fake-gemini.ts';
import { turn } from '../script/fake-turn.ts';
import type { FakeInteractionsOptions } from '../script/fake-types.ts';

// The fake's Interactions API refuses what the API refuses (issue 34): the legacy schema's
// revision, an unknown previous interaction, a function result that answers no call, a built-in
// agent outside the background, a cancel of a finished interaction, a resume from an unknown event.

let fake: FakeGemini | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(interactions?: FakeInteractionsOptions) {
  fake = createFakeGemini({
    script: () => turn.call('lookup', { q: 'x' }),
    ...(interactions === undefined ? {} : { interactions }),
  });
  const { url } = await fake.listen();
  return async (
    path: string,
    init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) => {
    const response = await fetch(`${url}/v1beta/${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: { 'x-goog-api-key': 'k', 'content-type': 'application/json', ...init.headers },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };
}

const model = 'gemini-3-flash-preview';

describe('the fake Interactions API', () => {
  it('keeps a held background interaction running, its gets not counted, until released', async () => {
    let holding = true;
    const call = await start({ backgroundPolls: 1, holdBackground: () => holding });
    const created = await call('interactions', { body: { model, input: 'q', background: true } });
    const id = created.json['id'] as string;
    for (let get = 0; get < 3; get++) {
      expect((await call(`interactions/${id}`)).json['status']).toBe('in_progress');
    }
    holding = false;
    // Released: one get still counts down (backgroundPolls: 1), the next one answers.
    expect((await call(`interactions/${id}`)).json['status']).toBe('in_progress');
    expect((await call(`interactions/${id}`)).json['status']).toBe('requires_action');
  });

  it("refuses a generation setting the Interactions API's generation_config does not have", async () => {
    const call = await start();
    const refused = await call('interactions', {
      body: { model, input: 'hi', generation_config: { temperature: 0, top_k: 40 } },
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.json)).toContain('Unknown name \\"top_k\\"');
    const taken = await call('interactions', {
      body: {
        model,
        input: 'hi',
        generation_config: { temperature: 0, thinking_level: 'low', tool_choice: 'auto' },
      },
    });
    expect(taken.status).toBe(200);
  });

  it('streams a call with its arguments in arguments_delta pieces, and a thought signature as its delta', async () => {
    fake = createFakeGemini({
      script: () =>
        turn.raw({
          candidates: [
            {
              content: {
                role: 'model',
                parts: [
                  { thought: true, text: 'Hmm.', thoughtSignature: 'c2ln' },
                  { functionCall: { name: 'lookup', args: { q: 'a long query' } } },
                ],
              },
              finishReason: 'STOP',
            },
          ],
        }),
      chunkSize: 5,
    });
    const { url } = await fake.listen();
    const response = await fetch(`${url}/v1beta/interactions?alt=sse`, {
      method: 'POST',
      headers: { 'x-goog-api-key': 'k', 'content-type': 'application/json' },
      body: JSON.stringify({ model, input: 'hi', stream: true }),
    });
    const events = (await response.text())
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => JSON.parse(line.slice(6)) as Record<string, unknown>);
    const deltas = events
      .filter((event) => event['event_type'] === 'step.delta')
      .map((event) => event['delta'] as Record<string, unknown>);
    expect(deltas.filter((delta) => delta['type'] === 'thought_signature')).toEqual([
      { type: 'thought_signature', signature: 'c2ln' },
    ]);
    const pieces = deltas.filter((delta) => delta['type'] === 'arguments_delta');
    expect(pieces.length).toBeGreaterThan(1);
    expect(JSON.parse(pieces.map((delta) => delta['arguments']).join(''))).toEqual({
      q: 'a long query',
    });
    const callStart = events.find(
      (event) => (event['step'] as { type?: string } | undefined)?.type === 'function_call',
    );
    expect(callStart?.['step']).toMatchObject({ name: 'lookup', arguments: {} });
  });

  it('refuses the legacy revision, naming the one it serves', async () => {
    const call = await start();
    const answer = await call('interactions', {
      body: { model, input: 'hi' },
      headers: { 'api-revision': '2026-05-07' },
    });
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.json)).toContain('2026-05-20');
  });

  it('refuses an unknown previous interaction and a result that answers no call', async () => {
    const call = await start();
    expect(
      (
        await call('interactions', {
          body: { model, input: 'hi', previous_interaction_id: 'nope' },
        })
      ).status,
    ).toBe(404);
    const first = await call('interactions', { body: { model, input: 'hi' } });
    expect(first.json['status']).toBe('requires_action');
    const wrong = await call('interactions', {
      body: {
        model,
        previous_interaction_id: first.json['id'],
        input: [{ type: 'function_result', call_id: 'not-a-call', result: {} }],
      },
    });
    expect(wrong.status).toBe(400);
    expect(JSON.stringify(wrong.json)).toContain('answers no function_call');
  });

  it('runs a built-in agent only in the background, and cancels only a running interaction', async () => {
    const call = await start();
    expect(
      (await call('interactions', { body: { agent: 'deep-research-x', input: 'q' } })).status,
    ).toBe(400);
    const running = await call('interactions', {
      body: { agent: 'deep-research-x', input: 'q', background: true },
    });
    expect(running.json['status']).toBe('in_progress');
    const cancelled = await call(`interactions/${String(running.json['id'])}/cancel`, {
      method: 'POST',
    });
    expect(cancelled.json['status']).toBe('cancelled');
    const again = await call(`interactions/${String(running.json['id'])}/cancel`, {
      method: 'POST',
    });
    expect(again.status).toBe(400);
  });

  it("signs a built-in agent's thought steps as the API signs every thought step, in the answer and in its stream", async () => {
    const call = await start({ backgroundPolls: 0 });
    const signatures: string[] = [];
    for (const input of ['first question', 'second question']) {
      const created = await call('interactions', {
        body: { agent: 'deep-research-x', input, background: true },
      });
      const id = String(created.json['id']);
      const done = await call(`interactions/${id}`);
      // Answered (the script's turn is a call).
      expect(done.json['status']).toBe('requires_action');
      const thoughts = (done.json['steps'] as Array<Record<string, unknown>>).filter(
        (step) => step['type'] === 'thought',
      );
      expect(thoughts.length).toBeGreaterThan(0);
      for (const thought of thoughts) {
        expect(thought['signature']).toMatch(/^[A-Za-z0-9+/]{20,}={0,2}$/);
        signatures.push(thought['signature'] as string);
      }
      // The stream of the same interaction carries the signature as its own delta.
      const streamed = await fetch(`${fake?.url}/v1beta/interactions/${id}?stream=true`, {
        headers: { 'x-goog-api-key': 'k' },
      });
      const events = (await streamed.text())
        .split('\n')
        .filter((line) => line.startsWith('data: {'))
        .map((line) => JSON.parse(line.slice(6)) as Record<string, unknown>);
      const deltas = events
        .map((event) => event['delta'] as Record<string, unknown> | undefined)
        .filter((delta) => delta?.['type'] === 'thought_signature');
      expect(deltas.map((delta) => delta?.['signature'])).toContain(thoughts[0]?.['signature']);
    }
    // Each interaction its own signature.
    expect(new Set(signatures).size).toBe(signatures.length);
  });

  it('refuses a resume from an event id the interaction never sent', async () => {
    const call = await start();
    const first = await call('interactions', { body: { model, input: 'hi' } });
    const answer = await call(
      `interactions/${String(first.json['id'])}?stream=true&last_event_id=forged`,
    );
    expect(answer.status).toBe(400);
  });
});
