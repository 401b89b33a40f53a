import {
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Page,
} from 'playwright-core';
import { RendererCrashedError } from './renderer-crashed-error.ts';
import { sharedChromiumEndpoint } from './shared-chromium.ts';

/**
 * A browser context of a test's own in the run's Chromium; `close()` closes it and disconnects,
 * and rejects with a {@link RendererCrashedError} when the context's renderer crashed meanwhile.
 */
export type BrowserSession = { context: BrowserContext; close(): Promise<void> };

/**
 * Connects to the run's one headless Chromium (Debian's, started by the root config's global
 * setup) and opens a fresh context in it: the setup of every browser test. Throws, with the
 * reason and the fix, when the run has no Chromium: the test fails loudly, it never skips.
 *
 * The context opens with one blank page that stays open until `close()` (not in the test's way:
 * a test opens its own pages, and `context.pages()` lists this one first). With the run's
 * Chromium limited to one renderer wherever it can share one (`--renderer-process-limit=1`,
 * scripts/chromium-setup.ts), a context's pages join the renderer this page keeps alive instead
 * of each starting one and ending it when closed: ~0.1-0.2 s of Chromium's CPU a page
 * (bench/RESULTS.md, chromium-renderer). Contexts never share a renderer, so tests stay apart;
 * the pages of one context do, so a crash of one is a crash of all, which `close()` reports.
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
    const crashed: string[] = [];
    context.on('page', (page: Page) => {
      page.on('crash', () => crashed.push(page.url()));
    });
    await context.newPage();
    return {
      context,
      async close() {
        await context.close();
        await browser.close();
        if (crashed.length > 0) throw new RendererCrashedError(crashed);
      },
    };
  } catch (error) {
    await browser.close();
    throw error;
  }
}
