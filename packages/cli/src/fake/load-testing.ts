/** What `gemloop fake` prints when the fake's package is missing, and how to fix it. */
export const INSTALL_TESTING =
  'gemloop fake serves the fake of @gemloop/testing, which is not installed here: install it beside gemloop (npm install -D @gemloop/testing).';

/**
 * @gemloop/testing, loaded when `gemloop fake` runs, or `undefined` when it is not installed. The
 * fake is a test double: gemloop does not depend on it (test/architecture.test.ts keeps every
 * published package's dependencies free of it), so a project that wants the dev server installs
 * it beside gemloop, as a dev dependency.
 */
export async function loadTesting(): Promise<typeof import('@gemloop/testing') | undefined> {
  try {
    return await import('@gemloop/testing');
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return undefined;
    throw error;
  }
}
