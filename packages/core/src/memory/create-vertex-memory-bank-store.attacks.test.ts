import { dripResponse, listenOnLoopback } from '@gemloop/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createVertexMemoryBankStore } from './create-vertex-memory-bank-store.ts';
import { MemoryError } from './memory-error.ts';

// Memory Bank's answers, tried from a hostile or broken endpoint's side (attack12): a `baseUrl`
// (a proxy, a regional endpoint misconfigured) answering 40 MiB, or an error body without end.
// The store read each with `response.text()`, whole, into memory; now past 16 MiB it stops
// reading, drops the connection and fails with MemoryError naming the cap.

const MIB = 1024 * 1024;

async function endpoint(status: number, bytes: number) {
  let written = 0;
  const server = await listenOnLoopback((request, response) => {
    request.resume();
    response.writeHead(status, { 'content-type': 'application/json' });
    dripResponse(response, {
      head: '{"retrievedMemories":[{"memory":{"name":"projects/p1/locations/us-central1/reasoningEngines/77/memories/m1","scope":{"user_id":"ana"},"fact":"',
      filler: 'f'.repeat(64 * 1024),
      bytes,
      tail: '"}}]}',
      onWrite: (count) => {
        written += count;
      },
    });
  });
  onTestFinished(() => server.close());
  const store = createVertexMemoryBankStore({
    project: 'p1',
    location: 'us-central1',
    reasoningEngine: '77',
    getAccessToken: () => 'ya29.attack12-secret',
    baseUrl: server.url,
  });
  return { store, written: () => written };
}

describe('createVertexMemoryBankStore against an endpoint answering without bound', () => {
  it.each([
    ['a 200 list of 40 MiB', 200, 40 * MIB],
    ['an endless 500 error body', 500, Number.POSITIVE_INFINITY],
  ])('%s fails with MemoryError at the cap, the rest unread', async (_name, status, bytes) => {
    const { store, written } = await endpoint(status, bytes);
    const error = await store.list('ana').then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(MemoryError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/16777216 bytes|more than/);
    expect((error as Error).message).not.toContain('ya29');
    // Socket buffers hold a few MiB more than was read; an unbounded read took all 40.
    expect(written()).toBeLessThan(32 * MIB);
  });

  it('a 200 list of 2 MiB is read whole', async () => {
    const { store } = await endpoint(200, 2 * MIB);
    const listed = await store.list('ana');
    expect(listed[0]?.text.length).toBe(2 * MIB);
  });
});
