import { createGemini, InvalidArgumentError } from '@gemloop/core';
import { describe, expect, it } from 'vitest';
import { startDurableWorker } from './start-durable-worker.ts';

describe('startDurableWorker options', () => {
  it('refuses an eventBatching that is not positive, naming it, before connecting', async () => {
    const error = await startDurableWorker({
      // Nothing listens here: the option is checked first.
      databaseUrl: 'postgres://gemloop:secret@127.0.0.1:1/none',
      agents: {
        support: { gemini: createGemini({ apiKey: 'test' }), model: 'gemini-3-flash-preview' },
      },
      eventBatching: { batchMs: 0 },
    }).catch((caught: unknown) => caught);
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ argument: 'eventBatching.batchMs' });
  });
});
