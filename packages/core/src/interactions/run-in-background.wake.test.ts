import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import type { Interaction } from '../wire/interaction.ts';
import { interactionsApi } from './interactions-api.ts';
import type { InteractionsBackend } from './interactions-backend.ts';
import { runInBackground } from './run-in-background.ts';

// `wakeOnWebhook`: each pause of a background call goes to the backend's `wait` (a durable
// worker's waits for the webhook's wake-up), with the interaction's id; without it, or on a
// backend without `wait`, the pause is the plain sleep.

function backend(withWait: boolean) {
  const pauses: string[] = [];
  let polls = 0;
  const value: InteractionsBackend = {
    interactions: {
      create: async () => ({ id: 'i1', status: 'in_progress' }) as Interaction,
      get: async () =>
        ({ id: 'i1', status: ++polls >= 2 ? 'completed' : 'in_progress' }) as Interaction,
      cancel: async () => ({ id: 'i1', status: 'cancelled' }) as Interaction,
      stream: () => {
        throw new Error('not streamed');
      },
    },
    sleep: async (milliseconds) => {
      pauses.push(`sleep ${milliseconds}`);
    },
    ...(withWait
      ? {
          wait: async (id: string, milliseconds: number) => {
            pauses.push(`wait ${id} ${milliseconds}`);
          },
        }
      : {}),
  };
  return { value, pauses };
}

const body = { model: 'gemini-3-flash-preview', input: 'hi' };

describe('runInBackground with wakeOnWebhook', () => {
  it("waits through the backend's wait, with the interaction id, for each pause", async () => {
    const { value, pauses } = backend(true);
    const done = await runInBackground(
      value,
      body,
      {},
      { pollIntervalMs: 60_000, wakeOnWebhook: true },
    );
    expect(done.status).toBe('completed');
    expect(pauses).toEqual(['wait i1 60000', 'wait i1 60000']);
  });

  it('sleeps without wakeOnWebhook, or on a backend without wait', async () => {
    const plain = backend(true);
    await runInBackground(plain.value, body, {}, { pollIntervalMs: 5, maxPollIntervalMs: 5 });
    expect(plain.pauses).toEqual(['sleep 5', 'sleep 5']);
    const noWait = backend(false);
    await runInBackground(noWait.value, body, {}, { pollIntervalMs: 5, wakeOnWebhook: true });
    expect(noWait.pauses).toEqual(['sleep 5', 'sleep 8']);
  });

  it('interactionsApi takes wakeOnWebhook as a boolean only', () => {
    expect(interactionsApi({ background: { wakeOnWebhook: true } }).background).toEqual({
      wakeOnWebhook: true,
    });
    expect(() => interactionsApi({ background: { wakeOnWebhook: 'yes' as never } })).toThrow(
      InvalidArgumentError,
    );
  });
});
