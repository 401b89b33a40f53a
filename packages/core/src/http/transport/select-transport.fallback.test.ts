import { describe, expect, it, vi } from 'vitest';
import { resolveClientOptions } from '../options/resolve-client-options.ts';
import { selectTransport } from './select-transport.ts';

// A bundle that left undici out: the dynamic import of the node transport fails.
vi.mock('./create-node-transport.ts', () => {
  throw new Error('Cannot find package undici');
});

describe('selectTransport when undici cannot be loaded', () => {
  it("falls back to fetch under 'auto', every time", async () => {
    const client = resolveClientOptions({ apiKey: 'k' });
    expect((await selectTransport(client)).name).toBe('fetch');
    expect((await selectTransport(client)).name).toBe('fetch');
  });

  it("fails under 'node' with an error saying what to do, the import failure as its cause", async () => {
    const client = resolveClientOptions({ apiKey: 'k', transport: 'node' });
    const error = await Promise.resolve()
      .then(() => selectTransport(client))
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect((error as Error).message).toMatch(/could not load undici.*'auto' or 'fetch'/);
    // (vitest wraps the failing mock's error; a real import failure is the cause as it is)
    expect((error as Error).cause).toBeInstanceOf(Error);
  });
});
