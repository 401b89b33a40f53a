import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { createGemini } from '../create-gemini.ts';

// Attack (attack-core9): cache names no cache has, as a user passes them or a gateway hands one
// back from caches.create (the prompt cache then updates and deletes it by that name). Each is a
// typed InvalidArgumentError before any request, with a message of bounded size: a 1 MB name was
// quoted whole into the message (and the prompt cache's warning log), and a BigInt threw
// JSON.stringify's own TypeError instead.

const fetch = (() => {
  throw new Error('no request may be sent');
}) as typeof globalThis.fetch;

const clients = {
  gemini: createGemini({ apiKey: 'test-key', fetch, retry: false }),
  vertex: createGemini({
    vertex: { project: 'proj', location: 'us-central1', getAccessToken: () => 'ya29.token' },
    fetch,
    retry: false,
  }),
};

const names: [string, unknown][] = [
  ['a 1 MB name', `cachedContents/${'a'.repeat(1_000_000)}/..`],
  ['a BigInt', 10n],
  ['a path up', 'cachedContents/../files/abc'],
  ['a query', 'cachedContents/abc?key=other'],
];

describe('gemini.caches attacked with names no cache has', () => {
  for (const [platform, gemini] of Object.entries(clients)) {
    for (const [label, name] of names) {
      it(`${platform}: ${label} is refused typed, before any request, in a short message`, async () => {
        const calls: (() => Promise<unknown>)[] = [
          () => gemini.caches.get(name as string),
          () => gemini.caches.delete(name as string),
          () => gemini.caches.update(name as string, { ttlSeconds: 60 }),
        ];
        for (const call of calls) {
          const error = await Promise.resolve()
            .then(call)
            .then(
              () => undefined,
              (thrown: unknown) => thrown,
            );
          expect(InvalidArgumentError.isInstance(error), String(error)).toBe(true);
          expect((error as Error).message.length).toBeLessThan(1000);
        }
      });
    }
  }
});
