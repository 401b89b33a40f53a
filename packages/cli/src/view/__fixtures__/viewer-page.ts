import type { BrowserContext, Page } from 'playwright-core';

/** One page of the viewer that a test file's tests take turns on (see {@link viewerPage}). */
export type ViewerPage = {
  /** The page showing the list of runs, its rows drawn (the first call loads the viewer). */
  list(): Promise<Page>;
  /** The page showing `hash` (`#/run/<id>`), reached from the list by a hash change. */
  visit(hash: string): Promise<Page>;
};

/**
 * A page of the viewer at `url`, made on first use in `context` and loaded once: every later
 * visit is a change of its hash, as the page's own links make. A context's first load fetches
 * and compiles the viewer's 55 modules: ~0.35 s of Chromium's CPU and ~40 ms of the server's,
 * where a hash change and the view it draws cost ~0.05 s (bench/RESULTS.md, helper
 * speed-viewer47); a later load in the same context takes them from the browser's cache (~0.1 s,
 * helper viewer-cache47) but still costs the page, its data and a new document. Each visit
 * goes through the list, its rows drawn again, so a test's first wait for its own view never
 * matches what the last test left on screen (the list draws no step, no run header, no story;
 * a run page no list row). For tests that only read: a test that sets the list's filters, or
 * installs a clock or an init script, opens a page of its own. `onPage` is told of the page
 * when it is made (the file's error listeners).
 */
export function viewerPage(
  context: BrowserContext,
  url: string,
  onPage: (page: Page) => void = () => undefined,
): ViewerPage {
  let page: Page | undefined;
  const list = async (): Promise<Page> => {
    if (page === undefined) {
      page = await context.newPage();
      onPage(page);
    }
    await page.goto(`${url}#/`);
    await page.waitForSelector('#runs tr.run-row');
    return page;
  };
  return {
    list,
    async visit(hash) {
      const shown = await list();
      await shown.goto(`${url}${hash}`);
      return shown;
    },
  };
}
