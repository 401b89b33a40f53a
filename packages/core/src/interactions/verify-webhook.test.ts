import { describe, expect, it } from 'vitest';
import { WebhookSignatureError } from '../errors/interactions/webhook-signature-error.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { signWebhook, verifyWebhook } from './verify-webhook.ts';

// The Standard Webhooks reference vector (github.com/standard-webhooks/standard-webhooks,
// libraries/javascript/src/webhook.test.ts, "sign function works"): the spec the Gemini API's
// static webhooks follow (ai.google.dev/gemini-api/docs/webhooks). Neither Google's docs nor
// @google/genai publish a vector of their own.
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const TIMESTAMP = 1614265330;
const BODY = '{"test": 2432232314}';
const SIGNATURE = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';
const AT = () => TIMESTAMP * 1000;
const EVENT = '{"type":"interaction.completed","version":"v1","data":{"id":"i1"}}';

function headersOf(signature = SIGNATURE, timestamp = String(TIMESTAMP)) {
  return { 'webhook-id': ID, 'webhook-timestamp': timestamp, 'webhook-signature': signature };
}

async function failure(promise: Promise<unknown>): Promise<WebhookSignatureError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(WebhookSignatureError.isInstance(error)).toBe(true);
  return error as WebhookSignatureError;
}

describe('verifyWebhook', () => {
  it('signs the Standard Webhooks reference vector to its published signature', async () => {
    const headers = await signWebhook({ id: ID, timestamp: TIMESTAMP, body: BODY, secret: SECRET });
    expect(headers['webhook-signature']).toBe(SIGNATURE);
  });

  it('verifies the reference vector (a Headers object or a record in any case)', async () => {
    // The vector's body has no `type`: its signature verifies, then the body is refused as no event.
    const record = await failure(
      verifyWebhook({ body: BODY, headers: headersOf(), secret: SECRET, now: AT }),
    );
    expect(record.reason).toBe('bad-body');
    const signed = await signWebhook({ id: ID, timestamp: TIMESTAMP, body: EVENT, secret: SECRET });
    const verified = await verifyWebhook({
      body: new TextEncoder().encode(EVENT),
      headers: new Headers(signed),
      secret: SECRET,
      now: AT,
    });
    expect(verified).toEqual({
      id: ID,
      timestamp: TIMESTAMP,
      event: { type: 'interaction.completed', version: 'v1', data: { id: 'i1' } },
    });
    const upper = Object.fromEntries(
      Object.entries(signed).map(([name, value]) => [name.toUpperCase(), value]),
    );
    await expect(
      verifyWebhook({ body: EVENT, headers: upper, secret: SECRET, now: AT }),
    ).resolves.toMatchObject({ id: ID });
  });

  it('refuses a tampered body, a wrong secret and a forged signature as bad-signature', async () => {
    const signed = await signWebhook({ id: ID, timestamp: TIMESTAMP, body: EVENT, secret: SECRET });
    const tampered = await failure(
      verifyWebhook({ body: EVENT.replace('i1', 'i2'), headers: signed, secret: SECRET, now: AT }),
    );
    expect(tampered.reason).toBe('bad-signature');
    expect(tampered.webhookId).toBe(ID);
    const other = `whsec_${btoa('another secret of thirty-two b!!')}`;
    expect(
      (await failure(verifyWebhook({ body: EVENT, headers: signed, secret: other, now: AT })))
        .reason,
    ).toBe('bad-signature');
    const forged = await failure(
      verifyWebhook({
        body: EVENT,
        headers: headersOf('v1,dawfeoifkpqwoekfpqoekf v2,AAAA'),
        secret: SECRET,
        now: AT,
      }),
    );
    expect(forged.reason).toBe('bad-signature');
    // The message names neither the secret nor a signature.
    for (const error of [tampered, forged]) {
      expect(JSON.stringify(error.toJSON())).not.toContain('MfKQ9r8G');
      expect(error.message).not.toContain(signed['webhook-signature'].slice(3, 20));
    }
  });

  it('verifies across a rotation: any secret, any of several signatures', async () => {
    const fresh = `whsec_${btoa('a brand new secret, 32 bytes lo!')}`;
    const signed = await signWebhook({
      id: ID,
      timestamp: TIMESTAMP,
      body: EVENT,
      secret: [fresh, SECRET],
    });
    expect(signed['webhook-signature'].split(' ')).toHaveLength(2);
    for (const secret of [SECRET, fresh, [fresh], [SECRET, fresh]]) {
      await expect(
        verifyWebhook({ body: EVENT, headers: signed, secret, now: AT }),
      ).resolves.toMatchObject({ id: ID });
    }
  });

  it('refuses missing headers, a non-numeric timestamp and one outside the tolerance', async () => {
    const signed = await signWebhook({ id: ID, timestamp: TIMESTAMP, body: EVENT, secret: SECRET });
    const { 'webhook-signature': _dropped, ...unsigned } = signed;
    expect(
      (await failure(verifyWebhook({ body: EVENT, headers: unsigned, secret: SECRET, now: AT })))
        .reason,
    ).toBe('missing-header');
    expect(
      (
        await failure(
          verifyWebhook({
            body: EVENT,
            headers: { ...signed, 'webhook-timestamp': 'hello' },
            secret: SECRET,
            now: AT,
          }),
        )
      ).reason,
    ).toBe('bad-timestamp');
    const late = () => (TIMESTAMP + 301) * 1000;
    expect(
      (await failure(verifyWebhook({ body: EVENT, headers: signed, secret: SECRET, now: late })))
        .reason,
    ).toBe('stale-timestamp');
    await expect(
      verifyWebhook({
        body: EVENT,
        headers: signed,
        secret: SECRET,
        now: late,
        toleranceSeconds: 400,
      }),
    ).resolves.toMatchObject({ id: ID });
  });

  it('refuses a secret that is not whsec_ base64 with InvalidArgumentError, without echoing it', async () => {
    const error = await verifyWebhook({
      body: EVENT,
      headers: headersOf(),
      secret: 'not base64 at all: p@ss',
    }).catch((caught: unknown) => caught);
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect((error as Error).message).not.toContain('p@ss');
    await expect(verifyWebhook({ body: EVENT, headers: headersOf(), secret: [] })).rejects.toThrow(
      /signing secret/,
    );
  });
});
