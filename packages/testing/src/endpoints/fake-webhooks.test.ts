import type { IncomingHttpHeaders } from 'node:http';
import { verifyWebhook } from '@gemloop/core/interactions';
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeGemini, type FakeGemini } from '../create-fake-gemini.ts';
import { turn } from '../script/fake-turn.ts';
import { type LoopbackServer, listenOnLoopback } from '../serve/listen-on-loopback.ts';

// The fake's static webhooks (ai.google.dev/api/webhooks; `@google/genai`
// src/gaos/models/webhooks/*): deliveries signed as Standard Webhooks v1 with every live secret,
// a rotation keeping the old secret 24 hours or revoking it at once, and the resource's routes.

type Received = { headers: IncomingHttpHeaders; body: string };
let receiver: LoopbackServer | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

/** A receiver on 127.0.0.1 that keeps each delivery and answers `status`. */
async function startReceiver(status = 204): Promise<{ uri: string; received: Received[] }> {
  const received: Received[] = [];
  receiver = await listenOnLoopback((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      response.writeHead(status).end();
    });
  });
  return { uri: `${receiver.url}/hook`, received };
}

function start(now: () => number) {
  const fake = createFakeGemini({
    now,
    script: () => turn.text('done'),
    interactions: { holdBackground: () => true },
  });
  const call = async (path: string, init: { method?: string; body?: unknown } = {}) => {
    const response = await fake.fetch(`https://x/v1beta/${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: { 'x-goog-api-key': 'k' },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };
  return { fake, call };
}

/** Starts a background interaction and finishes it: its `interaction.completed` is delivered. */
async function completeOne(fake: FakeGemini, call: ReturnType<typeof start>['call']) {
  const started = await call('interactions', {
    body: { model: 'gemini-3-flash-preview', input: 'q', background: true },
  });
  const id = started.json['id'] as string;
  return { id, deliveries: await fake.finishInteraction(id) };
}

describe('the fake webhooks: deliveries', () => {
  it('signs a delivery so that verifyWebhook accepts it with the secret of the create', async () => {
    const clock = Date.parse('2026-11-25T12:00:00Z');
    const { fake, call } = start(() => clock);
    const { uri, received } = await startReceiver();
    const created = await call('webhooks', {
      body: { uri, subscribed_events: ['interaction.completed'] },
    });
    const secret = created.json['new_signing_secret'] as string;
    const { id, deliveries } = await completeOne(fake, call);
    expect(deliveries).toEqual([
      expect.objectContaining({ uri, type: 'interaction.completed', status: 204 }),
    ]);
    expect(received).toHaveLength(1);
    const delivery = received[0] as Received;
    const verified = await verifyWebhook({
      body: delivery.body,
      headers: delivery.headers as Record<string, string>,
      secret,
      now: () => clock,
    });
    expect(verified.event).toEqual({
      type: 'interaction.completed',
      version: 'v1',
      data: { id, status: 'completed' },
    });
    expect(verified.timestamp).toBe(clock / 1000);
    // The body is what was signed: one byte changed does not verify.
    await expect(
      verifyWebhook({
        body: delivery.body.replace('completed', 'cancelled'),
        headers: delivery.headers as Record<string, string>,
        secret,
        now: () => clock,
      }),
    ).rejects.toThrow();
  });

  it('signs with both secrets for 24 hours after a rotation, then with the new one alone', async () => {
    let clock = Date.parse('2026-11-25T12:00:00Z');
    const { fake, call } = start(() => clock);
    const { uri, received } = await startReceiver();
    const created = await call('webhooks', {
      body: { uri, subscribed_events: ['interaction.completed'] },
    });
    const hook = created.json['id'] as string;
    const old = created.json['new_signing_secret'] as string;
    const rotated = await call(`webhooks/${hook}:rotateSigningSecret`, { body: {} });
    const fresh = rotated.json['secret'] as string;
    expect(fresh).not.toBe(old);
    const listed = (await call(`webhooks/${hook}`)).json['signing_secrets'];
    expect(listed).toEqual([
      { truncated_secret: `${fresh.slice(0, 10)}...` },
      { truncated_secret: `${old.slice(0, 10)}...`, expire_time: '2026-11-26T12:00:00.000Z' },
    ]);
    // Never the whole secret in a get or a list.
    expect(JSON.stringify((await call('webhooks')).json)).not.toContain(fresh);

    await completeOne(fake, call);
    const during = received[0] as Received;
    for (const secret of [old, fresh]) {
      await expect(
        verifyWebhook({
          body: during.body,
          headers: during.headers as Record<string, string>,
          secret,
          now: () => clock,
        }),
      ).resolves.toBeDefined();
    }
    clock += 24 * 60 * 60 * 1000;
    await completeOne(fake, call);
    const after = received[1] as Received;
    const verify = (secret: string) =>
      verifyWebhook({
        body: after.body,
        headers: after.headers as Record<string, string>,
        secret,
        now: () => clock,
      });
    await expect(verify(fresh)).resolves.toBeDefined();
    await expect(verify(old)).rejects.toThrow();
    expect((await call(`webhooks/${hook}`)).json['signing_secrets']).toHaveLength(1);
  });

  it('delivers only the events a webhook subscribed to, and records the receiver’s status', async () => {
    const { fake, call } = start(() => Date.parse('2026-11-25T12:00:00Z'));
    const { uri, received } = await startReceiver(500);
    await call('webhooks', { body: { uri, subscribed_events: ['interaction.failed'] } });
    const completed = await completeOne(fake, call);
    expect(completed.deliveries).toEqual([]);
    expect(received).toEqual([]);

    await call('webhooks', { body: { uri, subscribed_events: ['interaction.completed'] } });
    const second = await completeOne(fake, call);
    // A receiver's 500 is recorded, not retried and not thrown.
    expect(second.deliveries.map((delivery) => delivery.status)).toEqual([500]);
    expect(fake.webhookDeliveries).toHaveLength(1);
  });

  it('delivers the cancellation of a background interaction', async () => {
    const { fake, call } = start(() => Date.parse('2026-11-25T12:00:00Z'));
    const { uri, received } = await startReceiver();
    await call('webhooks', { body: { uri, subscribed_events: ['interaction.cancelled'] } });
    const started = await call('interactions', {
      body: { model: 'gemini-3-flash-preview', input: 'q', background: true },
    });
    await call(`interactions/${started.json['id']}/cancel`, { method: 'POST' });
    // The cancel's delivery runs after its answer: waited for where it ends, the fake's record,
    // made once the receiver answered. The receiver keeps the request before it answers, so a
    // wait on `received` could end with the fake still reading that answer (flake58b).
    await expect.poll(() => fake.webhookDeliveries.length, { timeout: 60_000 }).toBe(1);
    expect(fake.webhookDeliveries[0]).toMatchObject({ type: 'interaction.cancelled', status: 204 });
    expect(received).toHaveLength(1);
    expect(JSON.parse((received[0] as Received).body)).toMatchObject({
      type: 'interaction.cancelled',
      data: { id: started.json['id'], status: 'cancelled' },
    });
  });
});

describe('the fake webhooks: the resource', () => {
  it.each([
    [
      'a uri that is not http(s)',
      { uri: 'javascript:alert(1)', subscribed_events: ['batch.failed'] },
    ],
    ['a uri that is no string', { uri: 42, subscribed_events: ['batch.failed'] }],
    ['no subscribed events', { uri: 'https://x.test/h', subscribed_events: [] }],
    ['events that are no list', { uri: 'https://x.test/h', subscribed_events: 'batch.failed' }],
  ])('refuses %s with a 400 and creates nothing', async (_, body) => {
    const { call } = start(() => 0);
    const refused = await call('webhooks', { body });
    expect(refused.status).toBe(400);
    expect(refused.json['error']).toMatchObject({ status: 'INVALID_ARGUMENT' });
    expect((await call('webhooks')).json['webhooks']).toEqual([]);
  });

  it('refuses an unknown revocation behaviour, keeping the secrets as they were', async () => {
    const { call } = start(() => 0);
    const created = await call('webhooks', {
      body: { uri: 'https://x.test/h', subscribed_events: ['batch.failed'] },
    });
    const path = `webhooks/${created.json['id']}`;
    const before = (await call(path)).json;
    const refused = await call(`${path}:rotateSigningSecret`, {
      body: { revocation_behavior: 'never' },
    });
    expect(refused.status).toBe(400);
    expect((await call(path)).json).toEqual(before);
  });

  it('deletes a webhook, then 404s it; 404s verbs the resource has not', async () => {
    const { call } = start(() => 0);
    const created = await call('webhooks', {
      body: { uri: 'https://x.test/h', subscribed_events: ['batch.failed'] },
    });
    const path = `webhooks/${created.json['id']}`;
    expect((await call(path, { method: 'PATCH', body: {} })).status).toBe(404);
    expect((await call(`${path}:pause`, { body: {} })).status).toBe(404);
    expect((await call(`${path}:rotateSigningSecret`)).status).toBe(404);
    expect((await call('webhooks', { method: 'DELETE' })).status).toBe(404);
    expect((await call(path, { method: 'DELETE' })).status).toBe(200);
    const gone = await call(path);
    expect(gone.status).toBe(404);
    expect(gone.json['error']).toMatchObject({ status: 'NOT_FOUND' });
  });
});
