/** What `gemloop chat` prints when a module's broker needs @gemloop/tools and it is missing. */
export const INSTALL_TOOLS =
  'gemloop chat answers MCP requests with @gemloop/tools, which is not installed here: install it beside gemloop (npm install @gemloop/tools).';

/**
 * @gemloop/tools, loaded when `gemloop chat` is given a module that exports an MCP elicitation
 * broker, or `undefined` when it is not installed: gemloop does not depend on it, so no other
 * command (and no chat without a broker) loads it (rule `cli-imports-tools-only-in-chat` in
 * .dependency-cruiser.mjs).
 */
export async function loadTools(): Promise<typeof import('@gemloop/tools') | undefined> {
  try {
    return await import('@gemloop/tools');
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return undefined;
    throw error;
  }
}
