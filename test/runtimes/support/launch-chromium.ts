import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
// The run viewer's browser test installs Debian's Chromium the same way; one helper for both.
import {
  CHROMIUM_ARGS,
  ensureChromium,
} from '../../../packages/cli/src/view/__fixtures__/ensure-chromium.ts';

/** A headless Chromium with a fresh profile; `close()` removes the profile. */
export type HeadlessChromium = { context: BrowserContext; close(): Promise<void> };

/**
 * Starts Debian's headless Chromium (installed with apt-get when missing and running as root;
 * playwright-core downloads no browser) with no network of its own (no QUIC, no background,
 * component or sync traffic) and a fresh profile. Throws, naming the fix, when it cannot.
 */
export async function launchChromium(): Promise<HeadlessChromium> {
  const executablePath = ensureChromium();
  const profile = mkdtempSync(join(tmpdir(), 'gemloop-chromium-'));
  // playwright passes the fresh profile as --user-data-dir itself.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: [...CHROMIUM_ARGS],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
