/**
 * A browser context whose renderer crashed (killed, out of memory) while a test held it, found
 * when the test closes it ({@link openBrowserContext}'s `close()`). The run's Chromium keeps a
 * context's pages in one renderer (`--renderer-process-limit=1`, scripts/chromium-setup.ts), so
 * a crash takes every page of the context down at once: the test whose page crashed fails on
 * its own, and this error makes sure a page that only waited for something not to happen (an
 * attacks test's "no request was sent") cannot pass on a dead page.
 */
export class RendererCrashedError extends Error {
  override name = 'RendererCrashedError';
  /** The address of each page of the context that crashed (`about:blank` for the kept page). */
  readonly pages: readonly string[];
  constructor(pages: readonly string[]) {
    super(
      `The renderer of this browser context crashed, taking its ${pages.length} page(s) down: ${pages.join(', ')}. A context's pages share one renderer in the run's Chromium (--renderer-process-limit=1, scripts/chromium-setup.ts), so every test that used this context in the meantime saw dead pages: read the first failure (a "Target crashed" error) for the page that crashed, and Chromium's output for why (out of memory?).`,
    );
    this.pages = pages;
  }
}
