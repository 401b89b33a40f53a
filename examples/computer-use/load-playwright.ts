import { existsSync } from 'node:fs';
import type { BrowserPage } from './browser-executor.ts';

// playwright-core drives Debian's Chromium (it downloads no browser); a devDependency of the
// examples, loaded only when the example runs.

/** Debian's Chromium, as the browser tests use it. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** The flags the browser tests start Chromium with: headless, no network of its own. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The part of playwright-core's `Page` the example uses (its `Page` fits). */
export type ExamplePage = BrowserPage & {
  setContent?(html: string): Promise<void>;
  textContent(selector: string): Promise<string | null>;
};

/** The part of playwright-core's `Browser` the example uses. */
export type ExampleBrowser = {
  newPage(options: { viewport: { width: number; height: number } }): Promise<ExamplePage>;
  /** Closes a browser it started; for one it connected to, closes its pages and disconnects. */
  close(): Promise<void>;
};

/** The part of playwright-core's `chromium` the example uses. */
export type ChromiumLauncher = {
  launch(options: {
    executablePath: string;
    headless: boolean;
    args: string[];
  }): Promise<ExampleBrowser>;
  /** A running Playwright browser server, by its WebSocket endpoint (`launchServer().wsEndpoint()`). */
  connect(wsEndpoint: string, options: { timeout: number }): Promise<ExampleBrowser>;
};

type Playwright = { chromium: ChromiumLauncher };

/**
 * playwright-core, and the Chromium to start; throws naming the fix when either is missing (the
 * local Chromium only when the example starts one, not when it connects to a running browser).
 */
export async function loadPlaywright({ local = true }: { local?: boolean } = {}): Promise<{
  chromium: ChromiumLauncher;
  executablePath: string;
}> {
  if (local && !existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `${CHROMIUM_PATH} is missing: install Debian's Chromium (sudo apt-get install -y chromium).`,
    );
  }
  const playwright = (await import('playwright-core')) as unknown as Playwright;
  // A CommonJS package: its names may sit on `default` depending on the loader.
  const chromium =
    playwright.chromium ?? (playwright as unknown as { default: Playwright }).default.chromium;
  return { chromium, executablePath: CHROMIUM_PATH };
}
