import { GemloopError } from '@gemloop/core';

/**
 * @gemloop/testing, loaded when a replay runs. The fake is a test double: @gemloop/evals does not
 * depend on it (test/architecture.test.ts keeps every published package's dependencies free of
 * it), so a project that replays installs it beside @gemloop/evals, as a dev dependency.
 */
export async function loadFake(): Promise<typeof import('@gemloop/testing')> {
  try {
    return await import('@gemloop/testing');
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new GemloopError({
        message:
          'A replay serves the recorded turns through the fake Gemini of @gemloop/testing, which is not installed here: npm install -D @gemloop/testing (or run live).',
        cause: error,
      });
    }
    throw error;
  }
}
