import { preloadRunPath as preloadCoreRunPath, preloadFailurePath } from '@gemloop/core/internal';

/**
 * Loads now the code an agent's first run loads on first use (the loop, the request path, on
 * Node the node transport, and what a failed response and its retry load): call it in a `beforeAll` of a test on fake timers,
 * before `vi.useFakeTimers()` / `jest.useFakeTimers()` / `mock.timers.enable()`.
 *
 * `@gemloop/core` keeps that code out of its import (a cold import is cheap) and loads it with
 * `import()` at the first run, which is real file I/O. A fake clock does not wait for I/O:
 * `await vi.advanceTimersByTimeAsync(60_000)` right after the first `agent.run()` of a test file
 * ended before the first request left, and the retry it meant to skip then waited on a timer no
 * one advanced: the test hung until its own time limit. Later runs of the file passed, as the
 * code was loaded by then. It loads the copy of `@gemloop/core` that `@gemloop/testing` resolves,
 * the same as the app's unless `npm ls @gemloop/core` lists two.
 *
 * @example
 * ```ts
 * beforeAll(() => preloadRunPath());
 * it('retries a rate limit', async () => {
 *   vi.useFakeTimers();
 *   fake.failNext({ type: 'rate-limit', retryDelaySeconds: 30 });
 *   const run = agent.run('Hi'); // with createGemini({ fetch: fake.fetch, ... })
 *   await vi.advanceTimersByTimeAsync(30_000);
 *   expect((await run).text).toBe('Hello.');
 * });
 * ```
 */
export async function preloadRunPath(): Promise<void> {
  await Promise.all([preloadCoreRunPath(), preloadFailurePath()]);
}
