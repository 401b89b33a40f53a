import { type BrowserContext, type BrowserContextOptions, chromium } from 'playwright-core';
import { inject } from 'vitest';

/**
 * What the run's global setup (scripts/chromium-setup.ts) provides as `chromium`: the endpoint of
 * the one Chromium it started, or why there is none.
 */
export type SharedChromium =
  | {
      endpoint: string;
      /**
       * The WAV file the fake microphone plays (`--use-file-for-fake-audio-capture`): a test
       * writes its own sound there before its page calls getUserMedia.
       */
      fakeMicrophone?: string | undefined;
    }
  | { unavailable: string };

declare module 'vitest' {
  export interface ProvidedContext {
    chromium: SharedChromium;
  }
}

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

/**
 * The WebSocket endpoint of the run's one Chromium (a Playwright browser server), for a process
 * that connects to it itself (the computer-use example's `--browser`). Throws, with the reason
 * and the fix, when the run has none.
 */
export function sharedChromiumEndpoint(): string {
  const shared = inject('chromium');
  if (shared === undefined) {
    throw new Error(
      'This run has no shared Chromium: run the tests with the repository root vitest.config.ts (`npm test`, or `npx vitest run <file>` from the root), whose global setup scripts/chromium-setup.ts starts it.',
    );
  }
  if ('unavailable' in shared) throw new Error(shared.unavailable);
  return shared.endpoint;
}

/**
 * The WAV file the run's Chromium plays as every page's microphone: write a sound there (before
 * the page calls getUserMedia) to speak into a page. Throws, as {@link sharedChromiumEndpoint}
 * does, when the run has no Chromium.
 */
export function fakeMicrophonePath(): string {
  sharedChromiumEndpoint();
  const shared = inject('chromium') as { fakeMicrophone?: string };
  if (shared.fakeMicrophone === undefined)
    throw new Error('The run\'s Chromium has no fake microphone (scripts/chromium-setup.ts).');
  return shared.fakeMicrophone;
}
