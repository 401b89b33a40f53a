import { type BrowserContext, type BrowserContextOptions, chromium } from 'playwright-core';
import { sharedChromiumEndpoint } from './shared-chromium.ts';

/** A browser context of a test's own in the run's Chromium; `close()` closes it and disconnects. */
export type BrowserSession = { context: BrowserContext; close(): Promise<void> };

/**
 * Connects to the run's one headless Chromium (Debian's, started by the root config's global
 * setup) and opens a fresh context in it: the setup of every browser test. Throws, with the
 * reason and the fix, when the run has no Chromium: the test fails loudly, it never skips.
 */
export async function openBrowserContext(
  options: BrowserContextOptions = {},
): Promise<BrowserSession> {
  const browser = await chromium.connect(sharedChromiumEndpoint());
  try {
    const context = await browser.newContext(options);
    // Playwright's own 30 s for each wait (`waitForSelector`, `waitForFunction`, a click) is a
    // wall clock: at load 45-63 (2026-11-30) the first answer of browser-chat and react-chat took
    // longer than that to stream into a starved page, and both files failed with no fault.
    // The process projects' hang guard for a wait instead (PROCESS_LIMITS' `expect.poll`); a
    // wait that says what it waits for with a limit of its own keeps it.
    context.setDefaultTimeout(120_000);
    return {
      context,
      async close() {
        await context.close();
        await browser.close();
      },
    };
  } catch (error) {
    await browser.close();
    throw error;
  }
}
