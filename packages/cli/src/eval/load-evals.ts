/** What `gemloop eval` prints when @gemloop/evals is missing, and how to fix it. */
export const INSTALL_EVALS =
  'gemloop eval runs @gemloop/evals, which is not installed here: install it beside gemloop (npm install -D @gemloop/evals @gemloop/testing).';

/**
 * @gemloop/evals, loaded when `gemloop eval` runs, or `undefined` when it is not installed: gemloop
 * does not depend on it, so the other commands never load it (rule
 * `cli-imports-evals-only-in-eval` in .dependency-cruiser.mjs).
 */
export async function loadEvals(): Promise<typeof import('@gemloop/evals') | undefined> {
  try {
    return await import('@gemloop/evals');
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return undefined;
    throw error;
  }
}
