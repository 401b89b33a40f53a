import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { startViewServer, type ViewServer } from '../start-view-server.ts';
import { CHROMIUM_ARGS, ensureChromium } from './ensure-chromium.ts';

/** A viewer serving a folder of run files, and Debian's Chromium on a profile of its own. */
export type OpenViewer = {
  server: ViewServer;
  context: BrowserContext;
  /** Closes the browser and the server and removes the profile (not the run folder). */
  close(): Promise<void>;
};

/**
 * Serves `dir` with `gemloop view` and opens headless Chromium for it: the setup of the viewer's
 * browser tests of one kind of run each. Fails loudly when Chromium is missing (never skips).
 */
export async function openViewer(dir: string): Promise<OpenViewer> {
  const executablePath = ensureChromium();
  const server = await startViewServer({ dir });
  const profile = await mkdtemp(join(tmpdir(), 'gemloop-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: [...CHROMIUM_ARGS],
  });
  return {
    server,
    context,
    close: async () => {
      await context.close();
      await server.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
