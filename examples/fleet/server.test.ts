import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import type { DurableRuns } from '@gemloop/dbos';
import { describe, expect, it } from 'vitest';
import { createFleetServer } from './server.ts';

// GET /runs/:id/events for a client that stops reading: the route reads the run's store only as
// far as the socket takes it (a 95 MB run was buffered whole in the server per such client).

/** A store of `count` events of `chars` characters each; `read()` says how many were taken. */
function storeOf(count: number, chars: number) {
  let taken = 0;
  const text = 'x'.repeat(chars);
  const runs = {
    // The route checks the run's owner first: a run nobody owns, as the request names no user.
    status: async (runId: string) => ({ runId, status: 'PENDING', owner: undefined }),
    events: () =>
      (async function* () {
        for (let offset = 0; offset < count; offset++) {
          taken++;
          yield { offset, event: { type: 'text-delta', path: [], stepNumber: 1, text } };
        }
      })(),
  } as unknown as DurableRuns;
  return { runs, read: () => taken };
}

describe('the fleet server`s event stream', () => {
  it('stops reading the store while the client does not read', async () => {
    // 10,000 events of 5 KB: 50 MB a client that never reads would have had buffered.
    const store = storeOf(10_000, 5000);
    const server = createFleetServer(store.runs);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const socket = connect(port, '127.0.0.1');
    try {
      await new Promise<void>((resolve) => socket.once('connect', resolve));
      // Never read: the kernel's buffers fill, then the server's.
      socket.pause();
      socket.write('GET /runs/r1/events HTTP/1.1\r\nhost: fleet\r\n\r\n');
      // Wait until the route stops taking events (or took them all): a hang guard, not a timing.
      let last = -1;
      let still = 0;
      while (still < 10 && store.read() < 10_000) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        still = store.read() === last ? still + 1 : 0;
        last = store.read();
      }
      // Loopback socket buffers hold a few MB; the run is 50 MB. Some were read: the route did
      // stream (the store lacked the `status()` the route asks first, and the 500 passed this).
      expect(store.read()).toBeGreaterThan(0);
      expect(store.read()).toBeLessThan(3000);
    } finally {
      socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
