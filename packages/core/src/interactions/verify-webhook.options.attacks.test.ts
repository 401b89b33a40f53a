import { InvalidArgumentError, WebhookSignatureError } from '@gemloop/core/errors';
import { signWebhook, verifyWebhook } from '@gemloop/core/interactions';
import { describe, expect, it } from 'vitest';

// attack14: `verifyWebhook`'s replay bound. `toleranceSeconds: NaN` (a number read from a missing
// environment variable) made `age > NaN` false: a delivery of a year ago verified, so a captured
// one could be replayed for ever; `now: () => NaN` did the same, and a misspelt `tolerance: 60`
// left the 300 s default without a word.

const SECRET = `whsec_${Buffer.from('attack14-webhook-secret').toString('base64')}`;
const NOW = 1_800_000_000_000;
const YEAR_AGO = NOW / 1000 - 365 * 24 * 3600;
const body = JSON.stringify({ type: 'interaction.completed', data: { id: 'i1' } });

async function delivery(timestamp: number) {
  return { body, headers: await signWebhook({ id: 'msg_1', timestamp, body, secret: SECRET }) };
}

describe('verifyWebhook options from outside', () => {
  it('a year-old delivery is refused as stale (the default holds)', async () => {
    await expect(
      verifyWebhook({ ...(await delivery(YEAR_AGO)), secret: SECRET, now: () => NOW }),
    ).rejects.toSatisfy((error) => WebhookSignatureError.isInstance(error));
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['toleranceSeconds NaN', { toleranceSeconds: Number.NaN }, /toleranceSeconds/],
    ['toleranceSeconds "300"', { toleranceSeconds: '300' }, /toleranceSeconds/],
    ['toleranceSeconds -1', { toleranceSeconds: -1 }, /toleranceSeconds/],
    ['a misspelt tolerance', { tolerance: 60 }, /tolerance.*toleranceSeconds/s],
    ['now not a function', { now: NOW }, /now/],
  ])(
    '%s: an InvalidArgumentError naming it, before anything is verified',
    async (_l, extra, named) => {
      const verified = verifyWebhook({
        ...(await delivery(YEAR_AGO)),
        secret: SECRET,
        now: () => NOW,
        ...extra,
      } as never);
      await expect(verified).rejects.toThrow(InvalidArgumentError);
      await expect(verified).rejects.toThrow(named);
    },
  );

  it('a clock that says NaN is not "now": the delivery is refused', async () => {
    const verified = verifyWebhook({
      ...(await delivery(YEAR_AGO)),
      secret: SECRET,
      now: () => Number.NaN,
    });
    await expect(verified).rejects.toThrow(/now/);
  });

  it('a fresh delivery still verifies, and Infinity is an explicit "no bound"', async () => {
    const fresh = await verifyWebhook({
      ...(await delivery(NOW / 1000 - 10)),
      secret: SECRET,
      now: () => NOW,
      toleranceSeconds: 60,
    });
    expect(fresh.event.type).toBe('interaction.completed');
    const old = await verifyWebhook({
      ...(await delivery(YEAR_AGO)),
      secret: SECRET,
      now: () => NOW,
      toleranceSeconds: Number.POSITIVE_INFINITY,
    });
    expect(old.id).toBe('msg_1');
  });
});

// attack15: the options were checked and then read again, so a getter (a config Proxy, a lazily
// read setting) that said 300 to the check and NaN afterwards turned the replay bound off again.
describe('verifyWebhook with an option that changes between reads', () => {
  it('holds the value the check saw: a year-old delivery stays stale', async () => {
    const options = { ...(await delivery(YEAR_AGO)), secret: SECRET, now: () => NOW };
    let reads = 0;
    Object.defineProperty(options, 'toleranceSeconds', {
      enumerable: true,
      get: () => (reads++ === 0 ? 300 : Number.NaN),
    });
    await expect(verifyWebhook(options)).rejects.toSatisfy(
      (error) => WebhookSignatureError.isInstance(error) && error.reason === 'stale-timestamp',
    );
  });
});
