import { InvalidArgumentError, WebhookSignatureError } from '@gemloop/core/errors';
import { signWebhook, verifyWebhook } from '@gemloop/core/interactions';
import { describe, expect, it, onTestFinished, vi } from 'vitest';

// attack62c: verifyWebhook from outside, by a sender that is not Google (anyone can POST to a
// webhook's URL) and by a careless handler.

const SECRET = `whsec_${Buffer.from('attack62c-webhook-secret-one').toString('base64')}`;
const OLD_SECRET = `whsec_${Buffer.from('attack62c-webhook-secret-two').toString('base64')}`;
const NOW = 1_800_000_000_000;
const body = JSON.stringify({ type: 'interaction.completed', data: { id: 'i1' } });

/** A well-formed `v1,` entry no secret signed. */
function forged(seed: number): string {
  return `v1,${Buffer.alloc(32, seed).toString('base64')}`;
}

/** Counts the HMACs Web Crypto computes (a sign or a verify each hashes the whole body). */
function countHmacs(): () => number {
  const sign = vi.spyOn(crypto.subtle, 'sign');
  const verify = vi.spyOn(crypto.subtle, 'verify');
  onTestFinished(() => {
    sign.mockRestore();
    verify.mockRestore();
  });
  return () => sign.mock.calls.length + verify.mock.calls.length;
}

describe('verifyWebhook against a forged delivery (attack62c)', () => {
  it('a signature header of 300 forged entries costs one HMAC per secret, not one per entry and secret', async () => {
    const entries = Array.from({ length: 300 }, (_, at) => forged(at % 250));
    const hmacs = countHmacs();
    const error = await verifyWebhook({
      body,
      headers: {
        'webhook-id': 'msg_1',
        'webhook-timestamp': String(NOW / 1000),
        'webhook-signature': entries.join(' '),
      },
      secret: [SECRET, OLD_SECRET],
      now: () => NOW,
    }).catch((thrown: unknown) => thrown);
    expect(WebhookSignatureError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'bad-signature' });
    // Before: 600 (each entry checked against each secret, a hash of the whole body each time):
    // an unsigned POST with a 16 kB header and a megabyte body held a handler for seconds.
    expect(hmacs()).toBe(2);
  });

  it('the genuine signature after 300 forged ones, and under a rotation, still verifies', async () => {
    const signed = await signWebhook({
      id: 'msg_1',
      timestamp: NOW / 1000,
      body,
      secret: OLD_SECRET,
    });
    const entries = Array.from({ length: 300 }, (_, at) => forged(at % 250));
    const verified = await verifyWebhook({
      body,
      headers: {
        ...signed,
        'webhook-signature': `${entries.join(' ')} ${signed['webhook-signature']}`,
      },
      secret: [SECRET, OLD_SECRET],
      now: () => NOW,
    });
    expect(verified).toEqual({ id: 'msg_1', timestamp: NOW / 1000, event: JSON.parse(body) });
  });

  it('one byte off in the signature is refused (the comparison reads every byte)', async () => {
    const signed = await signWebhook({ id: 'msg_1', timestamp: NOW / 1000, body, secret: SECRET });
    const mac = Buffer.from(signed['webhook-signature'].slice(3), 'base64');
    for (const at of [0, 31]) {
      const changed = Buffer.from(mac);
      changed[at] = (changed[at] as number) ^ 1;
      await expect(
        verifyWebhook({
          body,
          headers: { ...signed, 'webhook-signature': `v1,${changed.toString('base64')}` },
          secret: SECRET,
          now: () => NOW,
        }),
      ).rejects.toMatchObject({ reason: 'bad-signature' });
    }
  });
});

describe('verifyWebhook given a body that is not the raw body (attack62c)', () => {
  it.each<[string, unknown]>([
    ['the parsed JSON', JSON.parse(body)],
    ['undefined (a body never read)', undefined],
    ['a number', 42],
  ])('%s: an InvalidArgumentError naming body', async (_label, given) => {
    const headers = await signWebhook({ id: 'msg_1', timestamp: NOW / 1000, body, secret: SECRET });
    const error = await verifyWebhook({
      body: given as string,
      headers,
      secret: SECRET,
      now: () => NOW,
    }).catch((thrown: unknown) => thrown);
    // Before: a bare TypeError from TextDecoder (an object), or a bad-signature that blamed the
    // sender (undefined decoded as an empty body).
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ argument: 'body' });
    expect((error as Error).message).toMatch(/raw request body/);
  });

  it('the raw body as a string, a Uint8Array or an ArrayBuffer verifies', async () => {
    const headers = await signWebhook({ id: 'msg_1', timestamp: NOW / 1000, body, secret: SECRET });
    const bytes = new TextEncoder().encode(body);
    for (const raw of [body, bytes, bytes.slice().buffer]) {
      const verified = await verifyWebhook({
        body: raw as Uint8Array,
        headers,
        secret: SECRET,
        now: () => NOW,
      });
      expect(verified.event).toEqual(JSON.parse(body));
    }
  });
});
