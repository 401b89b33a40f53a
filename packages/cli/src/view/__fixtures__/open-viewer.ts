import type { BrowserContext } from 'playwright-core';
import { startViewServer, type ViewServer } from '../start-view-server.ts';
import { openBrowserContext } from './open-browser-context.ts';

/** A viewer serving a folder of run files, and a context of its own in the run's Chromium. */
export type OpenViewer = {
  server: ViewServer;
  context: BrowserContext;
  /** Closes the context and the server (not the run folder). */
  close(): Promise<void>;
};

/**
 * Serves `dir` with `gemloop view` and opens a browser context for it in the run's headless
 * Chromium: the setup of the viewer's browser tests of one kind of run each. Fails loudly when
 * the run has no Chromium (never skips).
 */
export async function openViewer(dir: string): Promise<OpenViewer> {
  const server = await startViewServer({ dir });
  const browser = await openBrowserContext().catch(async (error: unknown) => {
    await server.close();
    throw error;
  });
  return {
    server,
    context: browser.context,
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}
