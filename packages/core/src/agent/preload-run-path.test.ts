import { describe, expect, it, vi } from 'vitest';

// preloadRunPath loads what an agent's first run loads on first use, and importing it loads none
// of that. Each mock records the first import of its module; this file runs in its own module
// graph (`CORE_ISOLATED` in vitest.config.ts), so nothing before it has loaded them.
const { loaded, track } = await vi.hoisted(async () =>
  (await import('../__fixtures__/import-tracker.ts')).createImportTracker(),
);

vi.mock('./loop/run-loop.ts', track('the run loop'));
vi.mock('../http/attempts/request-json.ts', track('the unary request path'));
vi.mock('../http/attempts/open-generate-content-stream.ts', track('the streamed request path'));
vi.mock('../http/attempts/check-responses.ts', track('the response checks'));
vi.mock('eventsource-parser', track('eventsource-parser'));
vi.mock('../http/transport/create-node-transport.ts', track('the node transport'));

describe('preloadRunPath', () => {
  it('loads the loop, the request path and the node transport, which importing it does not', async () => {
    const { preloadRunPath } = await import('./preload-run-path.ts');
    expect([...loaded]).toEqual([]);
    await preloadRunPath();
    expect([...loaded].sort()).toEqual([
      'eventsource-parser',
      'the node transport',
      'the response checks',
      'the run loop',
      'the streamed request path',
      'the unary request path',
    ]);
  });
});
