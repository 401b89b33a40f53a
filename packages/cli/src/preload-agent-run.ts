import { preloadRunPath } from '@gemloop/core/internal';
import { loadTesting } from './fake/load-testing.ts';

/**
 * What a command that runs the user's agent loads after importing the user's file: core's run
 * path (the loop, the request path, the node transport's undici files), which core loads lazily.
 * Handed to `importUserModule` as its `preload`, so that these load before tsx's hooks are
 * registered, not through them.
 */
export function preloadAgentRun(): Promise<void> {
  return preloadRunPath();
}

/**
 * {@link preloadAgentRun}, and the fake of @gemloop/testing that a recorded run is replayed
 * against (`gemloop eval`, `gemloop replay`), when it is installed.
 */
export async function preloadReplay(): Promise<void> {
  await Promise.all([preloadRunPath(), loadTesting()]);
}
