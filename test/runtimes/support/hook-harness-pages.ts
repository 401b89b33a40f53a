import type { Page } from 'playwright-core';
import {
  type BrowserSession,
  openBrowserContext,
} from '../../../packages/cli/src/view/__fixtures__/open-browser-context.ts';
import { reactPageBundle } from './react-page-bundle.ts';

/** Pages of `useAgentChat` on its scripted fetch (packages/react/src/__fixtures__/hook-harness.tsx). */
export type HookHarnessPages = {
  /**
   * A new page with the hook mounted; `setup` runs before the page's script (to set what the
   * harness reads at load). `errors`: the page's errors, and the console's errors and warnings
   * (React's development build reports misuse there: an update while rendering, a missing key).
   */
  open(setup?: (page: Page) => Promise<void>): Promise<{ page: Page; errors: string[] }>;
  /** Closes the browser context. */
  close(): Promise<void>;
};

/** A context of its own in the run's Chromium, and the harness page's bundle. */
export async function startHookHarnessPages(): Promise<HookHarnessPages> {
  let chromium: BrowserSession | undefined;
  const [browser, script] = await Promise.all([
    openBrowserContext().then((opened) => {
      chromium = opened;
      return opened;
    }),
    reactPageBundle('hook-harness.tsx'),
  ]).catch(async (error: unknown) => {
    await chromium?.close();
    throw error;
  });
  return {
    async open(setup) {
      const page = await browser.context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') errors.push(message.text());
      });
      await page.setContent('<div id="root"></div>');
      await setup?.(page);
      await page.addScriptTag({ content: script, type: 'module' });
      await page.waitForSelector('#status');
      return { page, errors };
    },
    close: () => browser.close(),
  };
}
