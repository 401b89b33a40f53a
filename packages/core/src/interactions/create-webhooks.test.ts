import { Writable } from 'node:stream';
import {
  createFakeGemini,
  type FakeGemini,
  type LoopbackServer,
  listenOnLoopback,
  turn,
} from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiCallError } from '../errors/api-call-error.ts';
import { WebhookSignatureError } from '../errors/interactions/webhook-signature-error.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import { createLogger } from '../logging/create-logger.ts';
import { createInteractions } from './create-interactions.ts';
import { createWebhooks, redactSigningSecrets } from './create-webhooks.ts';
import { type VerifiedWebhook, verifyWebhook } from './verify-webhook.ts';

let fake: FakeGemini | undefined;
let receiver: LoopbackServer | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
  await receiver?.close();
  receiver = undefined;
});

const MODEL = 'gemini-3-flash-preview';

async function start() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  fake = createFakeGemini({
    script: (_request, { lastUserText }) => turn.text(`done: ${lastUserText}`),
    // Background interactions stay running until the test finishes them.
    interactions: { holdBackground: () => true },
  });
  const { url } = await fake.listen();
  const gemini = createGemini({
    baseUrl: url,
    apiKey: 'test-key',
    retry: false,
    logger: createLogger({ level: 'trace', destination }),
  });
  return { webhooks: createWebhooks(gemini), interactions: createInteractions(gemini), lines };
}

/** A local receiver that verifies each delivery with `secrets()`, answering 204 or 401. */
async function listen(secrets: () => string[]) {
  const verified: VerifiedWebhook[] = [];
  const refused: WebhookSignatureError[] = [];
  receiver = await listenOnLoopback((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      verifyWebhook({
        body: Buffer.concat(chunks),
        headers: request.headers as Record<string, string>,
        secret: secrets(),
      }).then(
        (delivery) => {
          verified.push(delivery);
          response.writeHead(204).end();
        },
        (error: unknown) => {
          if (WebhookSignatureError.isInstance(error)) refused.push(error);
          response.writeHead(401).end();
        },
      );
    });
  });
  return { uri: `${receiver.url}/gemini-webhook`, verified, refused };
}

describe('webhooks', () => {
  it('registers, lists, rotates and deletes; the secret shows once and never in a log', async () => {
    const { webhooks, lines } = await start();
    const hook = await webhooks.create({
      uri: 'https://example.com/gemini-webhook',
      subscribed_events: ['interaction.completed', 'interaction.failed'],
      name: 'runs',
    });
    const secret = hook.new_signing_secret as string;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const listed = await webhooks.get(hook.id);
    expect(listed.new_signing_secret).toBeUndefined();
    expect(listed.signing_secrets).toEqual([{ truncated_secret: `${secret.slice(0, 10)}...` }]);
    expect((await webhooks.list()).webhooks.map((each) => each.id)).toEqual([hook.id]);

    const { secret: rotated } = await webhooks.rotateSigningSecret(hook.id);
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(secret);
    // The old secret signs for 24 more hours beside the new one.
    const both = (await webhooks.get(hook.id)).signing_secrets ?? [];
    expect(both).toHaveLength(2);
    expect(both[1]?.expire_time).toEqual(expect.any(String));
    await webhooks.rotateSigningSecret(hook.id, 'revoke_previous_secrets_immediately');
    expect((await webhooks.get(hook.id)).signing_secrets).toHaveLength(1);

    await webhooks.delete(hook.id);
    expect((await webhooks.list()).webhooks).toEqual([]);

    const logged = lines.join('');
    expect(logged).toContain('webhooks.create response body');
    expect(logged).not.toContain(secret.slice(6));
    expect(logged).not.toContain(rotated.slice(6));
  });

  it('a delivery of interaction.completed verifies with the secret; during a rotation with either', async () => {
    const { webhooks, interactions } = await start();
    let secrets: string[] = [];
    const { uri, verified, refused } = await listen(() => secrets);
    const hook = await webhooks.create({ uri, subscribed_events: ['interaction.completed'] });
    secrets = [hook.new_signing_secret as string];

    const created = await interactions.create({ model: MODEL, input: 'slow', background: true });
    const deliveries = await fake?.finishInteraction(created.id);
    expect(deliveries?.map((delivery) => delivery.status)).toEqual([204]);
    expect(verified.map((delivery) => delivery.event)).toEqual([
      {
        type: 'interaction.completed',
        version: 'v1',
        data: { id: created.id, status: 'completed' },
      },
    ]);

    // Rotated: the fake signs with both secrets, so a receiver still on the old one verifies.
    const { secret: fresh } = await webhooks.rotateSigningSecret(hook.id);
    const second = await interactions.create({ model: MODEL, input: 'again', background: true });
    await fake?.finishInteraction(second.id);
    secrets = [fresh];
    const third = await interactions.create({ model: MODEL, input: 'more', background: true });
    await fake?.finishInteraction(third.id);
    expect(verified.map((delivery) => delivery.event.data?.id)).toEqual([
      created.id,
      second.id,
      third.id,
    ]);
    expect(refused).toEqual([]);
  });

  it('a receiver with the wrong secret refuses the delivery (401), typed as bad-signature', async () => {
    const { webhooks, interactions } = await start();
    const wrong = `whsec_${btoa('not the secret the fake signs w!')}`;
    const { uri, verified, refused } = await listen(() => [wrong]);
    await webhooks.create({ uri, subscribed_events: ['interaction.completed'] });
    const created = await interactions.create({ model: MODEL, input: 'slow', background: true });
    const deliveries = await fake?.finishInteraction(created.id);
    expect(deliveries?.map((delivery) => delivery.status)).toEqual([401]);
    expect(verified).toEqual([]);
    expect(refused.map((error) => error.reason)).toEqual(['bad-signature']);
  });

  it('refuses bad requests before sending', async () => {
    const { webhooks } = await start();
    await expect(
      webhooks.create({ uri: 'ftp://x', subscribed_events: ['batch.failed'] }),
    ).rejects.toThrow(/request.uri/);
    await expect(
      webhooks.create({ uri: 'https://example.com/hook', subscribed_events: [] }),
    ).rejects.toThrow(InvalidArgumentError);
    await expect(webhooks.rotateSigningSecret('w1', 'never' as never)).rejects.toThrow(
      /revocation/,
    );
    await expect(webhooks.get('../interactions')).rejects.toThrow(InvalidArgumentError);
    expect(fake?.requests).toEqual([]);
  });

  it('an answer that is not a webhook fails without quoting the secret it holds', async () => {
    const secret = 'whsec_c2VjcmV0IHRoYXQgbXVzdCBub3QgbGVhaw==';
    const gemini = createGemini({
      apiKey: 'test-key',
      retry: false,
      fetch: async () =>
        new Response(JSON.stringify({ new_signing_secret: secret }), {
          headers: { 'content-type': 'application/json' },
        }),
    });
    const error = await createWebhooks(gemini)
      .create({ uri: 'https://example.com/hook', subscribed_events: ['batch.failed'] })
      .catch((caught: unknown) => caught);
    expect(ApiCallError.isInstance(error)).toBe(true);
    expect(JSON.stringify((error as ApiCallError).toJSON())).not.toContain(secret.slice(6));
    expect((error as Error).message).toContain('[redacted]');
  });

  it('redactSigningSecrets scrubs both secret fields, escaped quotes included', () => {
    expect(
      redactSigningSecrets('{"new_signing_secret": "whsec_a\\"b", "secret":"whsec_c", "id":"w"}'),
    ).toBe('{"new_signing_secret": "[redacted]", "secret":"[redacted]", "id":"w"}');
  });
});
