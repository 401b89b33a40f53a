import { inject } from 'vitest';

// The run's one Chromium as the root config's global setup provides it (scripts/chromium-setup.ts),
// without playwright-core: a test that only hands the endpoint to a process (examples.test.ts, the
// computer-use example's `--browser`) does not load playwright-core's ~7 MB (about 1 s of CPU a
// worker: its import against `node -e 0`; bench/RESULTS.md, helper test-speed7).
// open-browser-context.ts connects to it.

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
