import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`); playwright-core downloads no browser. */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** A headless Chromium with a fresh profile; `close()` removes the profile. */
export type HeadlessChromium = { context: BrowserContext; close(): Promise<void> };

/**
 * Starts headless Chromium with no network of its own (no QUIC, no background, component or sync
 * traffic) and a fresh profile. Throws, naming the fix, when the binary is missing.
 */
export async function launchChromium(): Promise<HeadlessChromium> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not at ${CHROMIUM_PATH}: install it (sudo apt-get install -y chromium) or set ` +
        'CHROMIUM_PATH. The runtime tests do not skip a missing runtime.',
    );
  }
  const profile = mkdtempSync(join(tmpdir(), 'gemloop-chromium-'));
  // playwright passes the fresh profile as --user-data-dir itself.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
