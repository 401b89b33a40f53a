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

  it('refuses a resume from an event id the interaction never sent', async () => {
    const call = await start();
    const first = await call('interactions', { body: { model, input: 'hi' } });
    const answer = await call(
      `interactions/${String(first.json['id'])}?stream=true&last_event_id=forged`,
    );
    expect(answer.status).toBe(400);
  });
});
