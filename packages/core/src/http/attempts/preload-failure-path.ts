import { preloadApiCallErrors } from '../../errors/api-call-error-of.ts';
import { preloadRetries } from '../../retry/with-retry.ts';
import { preloadRequestErrors } from './send-with-retry.ts';

/**
 * Loads now what a client's first failed response loads on first use: the modules that read the
 * failure (status-error.ts) and write its `ApiCallError`, and p-retry. Beside `preloadRunPath`, for a test on fake timers
 * (`@gemloop/testing`'s `preloadRunPath` runs both): each load is an `import()`, real I/O that
 * a fake clock advanced meanwhile does not wait for, so a 503 read after the test's advance set
 * its retry's timer when no one was left to advance it. Kept out of `preloadRunPath`, which a
 * durable worker and the CLI run at start: a run that never fails loads none of it. A load that
 * fails is left for the first use to report.
 * @internal
 */
export async function preloadFailurePath(): Promise<void> {
  await Promise.all([preloadRequestErrors(), preloadApiCallErrors(), preloadRetries()]);
}
