import { afterEach, describe, expect, it, vi } from 'vitest';
import { createInteractions } from '../interactions/create-interactions.ts';
import { createBatches } from './batches/create-batches.ts';
import { createGemini } from './create-gemini.ts';
import { createFileSearchStores } from './file-search-stores/create-file-search-stores.ts';
import { createFiles } from './files/create-files.ts';

// attack47a: every wait on a server's long work (a file PROCESSING, a batch running, a File Search
// operation, a background interaction), each answer "not yet", aborted while it sleeps between two
// polls: it ends at once with the caller's reason, polls no more, and leaves no timer behind.
// Held: each pause is `sleep(interval, signal)`, which clears its timer on abort.

const STILL_RUNNING: Record<string, unknown> = {
  files: { name: 'files/a', state: 'PROCESSING' },
  batches: { name: 'batches/a', metadata: { state: 'BATCH_STATE_RUNNING' } },
  stores: { name: 'fileSearchStores/s/operations/o', done: false },
  interactions: { id: 'i1', status: 'in_progress' },
};

function waitOn(surface: string, signal: AbortSignal, onRequest: () => void): Promise<unknown> {
  const gemini = createGemini({
    apiKey: 'AIzaSyAttack47aWaitsKeyXXXXXXXXXXXXXXXX',
    baseUrl: 'https://gw.test',
    retry: false,
    fetch: async () => {
      onRequest();
      return Response.json(STILL_RUNNING[surface]);
    },
  });
  const options = { pollIntervalMs: 60_000, signal };
  switch (surface) {
    case 'files':
      return createFiles(gemini).waitUntilActive('files/a', options);
    case 'batches':
      return createBatches(gemini).wait('batches/a', options);
    case 'stores':
      return createFileSearchStores(gemini).waitForOperation(
        'fileSearchStores/s/operations/o',
        options,
      );
    default:
      return createInteractions(gemini).wait('i1', options);
  }
}

afterEach(() => {
  vi.useRealTimers();
});

describe('a wait aborted between two polls', () => {
  it.each(Object.keys(STILL_RUNNING))(
    '%s: ends with the reason, no further poll, no timer left',
    async (surface) => {
      vi.useFakeTimers();
      const controller = new AbortController();
      let requests = 0;
      let polled: () => void = () => {};
      const firstPoll = new Promise<void>((resolve) => {
        polled = resolve;
      });
      const waiting = waitOn(surface, controller.signal, () => {
        requests++;
        polled();
      }).then(
        () => 'resolved',
        (error: unknown) => error,
      );
      await firstPoll;
      // Let the first answer be read and the pause begin.
      await vi.advanceTimersByTimeAsync(1_000);
      expect(requests).toBe(1);
      // The pause's timer, and the client's idle attempt timer (pooled for the next request, it
      // fires into nothing: timer-pool.ts).
      const during = vi.getTimerCount();
      expect(during).toBeGreaterThan(0);
      const reason = new Error('the caller left');
      controller.abort(reason);
      expect(await waiting).toBe(reason);
      expect(vi.getTimerCount()).toBe(during - 1);
      await vi.advanceTimersByTimeAsync(120_000);
      expect(requests).toBe(1);
    },
  );
});
