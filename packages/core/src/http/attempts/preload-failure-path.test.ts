import { describe, expect, it, vi } from 'vitest';

// preloadFailurePath loads what a client's first failed response loads on first use, and
// importing it loads none of that. Each mock records the first import of its module; this file
// runs in its own module graph (`CORE_ISOLATED` in vitest.config.ts), so nothing before it has
// loaded them.
const { loaded, track } = await vi.hoisted(async () =>
  (await import('../../__fixtures__/import-tracker.ts')).createImportTracker(),
);

vi.mock('./status-error.ts', track('the failure reader'));
vi.mock('../../errors/api-call/create-api-call-error.ts', track('the error messages'));
vi.mock('p-retry', track('p-retry'));

describe('preloadFailurePath', () => {
  it('loads the failure reader, the error messages and p-retry, which importing it does not', async () => {
    const { preloadFailurePath } = await import('./preload-failure-path.ts');
    expect([...loaded]).toEqual([]);
    await preloadFailurePath();
    expect([...loaded].sort()).toEqual(['p-retry', 'the error messages', 'the failure reader']);
  });
});
