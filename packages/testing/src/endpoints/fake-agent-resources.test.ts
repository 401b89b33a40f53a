import { afterEach, describe, expect, it } from 'vitest';
import { createFakeGemini, type FakeGemini } from '../create-fake-gemini.ts';
import { turn } from '../script/fake-turn.ts';

// The fake's managed agents, environments, webhooks and triggers (issue 58) refuse what the API
// refuses: an unknown agent or base agent, a managed agent's background against its base agent's
// rule, a webhook without a uri or with an unknown event, a trigger without a schedule; they need
// the API key; a webhook's secret is answered only by its create and rotations.

let fake: FakeGemini | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start() {
  fake = createFakeGemini({
    script: () => turn.text('ok'),
    interactions: { holdBackground: () => true },
  });
  const { url } = await fake.listen();
  return async (
    path: string,
    init: { method?: string; body?: unknown; key?: string | null } = {},
  ) => {
    const response = await fetch(`${url}/v1beta/${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: {
        'content-type': 'application/json',
        ...(init.key === null ? {} : { 'x-goog-api-key': init.key ?? 'k' }),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };
}

describe('the fake managed agents, environments, webhooks and triggers', () => {
  it('needs the API key on every route', async () => {
    const call = await start();
    for (const path of ['agents', 'environments', 'webhooks', 'triggers']) {
      expect((await call(path, { key: null })).status, path).toBe(403);
    }
  });

  it("applies each agent's rule on background, a managed agent's its base agent's", async () => {
    const call = await start();
    expect((await call('agents', { body: { id: 'x', base_agent: 'nope' } })).status).toBe(404);
    expect((await call('agents', { body: { id: 'deep-research-x' } })).status).toBe(400);
    expect(
      (await call('agents', { body: { id: 'fast', base_agent: 'antigravity-1' } })).status,
    ).toBe(200);
    expect((await call('agents', { body: { id: 'fast' } })).status).toBe(409);
    // Two levels down, the rule is still Antigravity's.
    await call('agents', { body: { id: 'faster', base_agent: 'fast' } });
    const input = 'go';
    expect(
      (await call('interactions', { body: { agent: 'faster', input, background: true } })).status,
    ).toBe(400);
    expect((await call('interactions', { body: { agent: 'faster', input } })).status).toBe(200);
    expect((await call('interactions', { body: { agent: 'unknown', input } })).status).toBe(404);
    await call('agents', { body: { id: 'deep', base_agent: 'deep-research-pro' } });
    expect((await call('interactions', { body: { agent: 'deep', input } })).status).toBe(400);
    expect((await call('agents/deep', { method: 'DELETE' })).status).toBe(200);
    expect((await call('agents/deep')).status).toBe(404);
  });

  it('answers a webhook secret only on create and rotation, and signs deliveries with the live ones', async () => {
    const call = await start();
    expect(
      (await call('webhooks', { body: { subscribed_events: ['interaction.completed'] } })).status,
    ).toBe(400);
    expect(
      (await call('webhooks', { body: { uri: 'https://x.test/h', subscribed_events: ['nope'] } }))
        .status,
    ).toBe(400);
    const created = (
      await call('webhooks', {
        body: {
          uri: 'http://127.0.0.1:9/unreachable',
          subscribed_events: ['interaction.completed'],
        },
      })
    ).json;
    expect(created['new_signing_secret']).toMatch(/^whsec_/);
    const id = created['id'] as string;
    expect((await call(`webhooks/${id}`)).json['new_signing_secret']).toBeUndefined();
    const rotated = await call(`webhooks/${id}:rotateSigningSecret`, {
      body: { revocation_behavior: 'revoke_previous_secrets_immediately' },
    });
    expect(rotated.json['secret']).toMatch(/^whsec_/);
    expect((await call(`webhooks/${id}`)).json['signing_secrets']).toHaveLength(1);

    // A delivery to a receiver that is not there is recorded with its error, not thrown.
    const started = await call('interactions', {
      body: { model: 'gemini-3-flash-preview', input: 'x', background: true },
    });
    const deliveries = await fake?.finishInteraction(started.json['id'] as string);
    expect(deliveries).toEqual([
      expect.objectContaining({
        type: 'interaction.completed',
        status: undefined,
        error: expect.any(String),
      }),
    ]);
    expect(fake?.webhookDeliveries).toHaveLength(1);
  });

  it('runs a trigger when asked and lists its executions, newest first', async () => {
    const call = await start();
    expect((await call('triggers', { body: { schedule: 'daily', time_zone: 'UTC' } })).status).toBe(
      400,
    );
    const trigger = (
      await call('triggers', {
        body: {
          schedule: '*/5 * * * *',
          time_zone: 'UTC',
          interaction: { model: 'gemini-3-flash-preview', input: 'tick' },
        },
      })
    ).json;
    const id = trigger['id'] as string;
    const first = (await call(`triggers/${id}/executions`, { body: {} })).json;
    const second = (await call(`triggers/${id}/executions`, { body: {} })).json;
    expect(first).toMatchObject({
      trigger_id: id,
      status: 'completed',
      interaction_id: expect.any(String),
    });
    const listed = (await call(`triggers/${id}/executions`)).json['trigger_executions'] as Array<{
      id: string;
    }>;
    expect(listed.map((execution) => execution.id)).toEqual([second['id'], first['id']]);
  });
});
