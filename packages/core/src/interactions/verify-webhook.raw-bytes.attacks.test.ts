import { createHmac } from 'node:crypto';
import { WebhookSignatureError } from '@gemloop/core/errors';
import { verifyWebhook } from '@gemloop/core/interactions';
import { describe, expect, it } from 'vitest';

// leftovers77a (attack62c's leftover): a body given as bytes was decoded to text and the text's
// UTF-8 checked, not the bytes: a BOM (TextDecoder drops it) or a byte that is no UTF-8 (it
// becomes U+FFFD) made a delivery signed over its bytes fail, and a delivery signed over other
// bytes than the ones given could pass. Standard Webhooks signs the raw body; the bytes are HMACed
// as given now. The signatures here are made with node:crypto over the exact bytes, as a sender's.

const KEY_BYTES = Buffer.from('leftovers77a-webhook-secret');
const SECRET = `whsec_${KEY_BYTES.toString('base64')}`;
const NOW = 1_800_000_000_000;
const EVENT = JSON.stringify({ type: 'interaction.completed', data: { id: 'i1' } });

/** The `webhook-*` headers of a delivery whose signature is over `signedBytes`. */
function headersFor(signedBytes: Uint8Array, id = 'msg_1'): Record<string, string> {
  const stamp = String(NOW / 1000);
  const mac = createHmac('sha256', KEY_BYTES)
    .update(Buffer.concat([Buffer.from(`${id}.${stamp}.`), signedBytes]))
    .digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': stamp, 'webhook-signature': `v1,${mac}` };
}

const verify = (body: string | Uint8Array, headers: Record<string, string>) =>
  verifyWebhook({ body, headers, secret: SECRET, now: () => NOW });

describe('verifyWebhook, a body given as bytes', () => {
  it('a body with a UTF-8 BOM, signed over its bytes, verifies', async () => {
    const bytes = new Uint8Array(
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(EVENT)]),
    );
    const verified = await verify(bytes, headersFor(bytes));
    expect(verified.event.type).toBe('interaction.completed');
  });

  it('a body holding a byte that is no UTF-8, signed over its bytes, verifies', async () => {
    const bytes = new Uint8Array(
      Buffer.concat([
        Buffer.from('{"type":"interaction.completed","note":"'),
        Buffer.from([0xff]),
        Buffer.from('"}'),
      ]),
    );
    const verified = await verify(bytes, headersFor(bytes));
    expect(verified.event.type).toBe('interaction.completed');
  });

  it('bytes other than the ones signed do not verify, though they decode to the same text', async () => {
    const signed = new Uint8Array(Buffer.from(EVENT));
    // The BOM is dropped by the decoder: the text is the signed one, the bytes are not.
    const given = new Uint8Array(
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(EVENT)]),
    );
    const error = await verify(given, headersFor(signed)).catch((caught: unknown) => caught);
    expect(WebhookSignatureError.isInstance(error)).toBe(true);
    expect((error as WebhookSignatureError).reason).toBe('bad-signature');
  });

  it('a view into a larger buffer is read as its own bytes only (held)', async () => {
    const whole = Buffer.concat([Buffer.from('xxxx'), Buffer.from(EVENT), Buffer.from('yyyy')]);
    const view = new Uint8Array(whole.buffer, whole.byteOffset + 4, EVENT.length);
    const verified = await verify(view, headersFor(new Uint8Array(Buffer.from(EVENT))));
    expect(verified.event.data?.id).toBe('i1');
  });

  it('a string body and its bytes verify alike (held)', async () => {
    const bytes = new Uint8Array(Buffer.from(EVENT));
    expect((await verify(EVENT, headersFor(bytes))).id).toBe('msg_1');
    expect((await verify(bytes, headersFor(bytes))).id).toBe('msg_1');
    expect((await verify(bytes.buffer as ArrayBuffer as never, headersFor(bytes))).id).toBe(
      'msg_1',
    );
  });
});
