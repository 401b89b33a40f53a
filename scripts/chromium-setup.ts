import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserServer, chromium } from 'playwright-core';
import type { TestProject } from 'vitest/node';
import {
  CHROMIUM_ARGS,
  ensureChromium,
} from '../packages/cli/src/view/__fixtures__/ensure-chromium.ts';
import type { SharedChromium } from '../packages/cli/src/view/__fixtures__/shared-chromium.ts';
import {
  disableFeaturesArg,
  missingPlaywrightFeatures,
  PLAYWRIGHT_DISABLED_FEATURES,
  readCommandLine,
  TEST_DISABLED_FEATURES,
} from './chromium-disabled-features.ts';
import { projectsInRun } from './projects-in-run.ts';

/**
 * The projects whose tests open pages in the run's one Chromium (`openBrowserContext`), or hand
 * its endpoint to a process (the computer-use example's `--browser`).
 */
const BROWSER_PROJECTS: ReadonlySet<string> = new Set(['integration', 'examples']);

/**
 * One headless Chromium for the whole run, the root config's global setup (vitest.config.ts):
 * Debian's `chromium-headless-shell` (ensure-chromium.ts; installed with apt-get when missing and
 * running as root), started once with playwright-core's `launchServer`, its endpoint provided to
 * every project as `chromium`.
 * Each browser test connects to it and opens a context of its own (cookies, storage and cache
 * are per context), and the computer-use example connects to it (`--browser`), as the guide
 * asks: thirteen test files and that example each started a browser of their own before. It is
 * not a CPU saving: the browser test files took 33-35 s of CPU either way (the renderers, one per
 * page, and the pages' own work are most of it; the starts were about 1 s each).
 *
 * One renderer a context: `--renderer-process-limit=1` with a blank page that openBrowserContext
 * keeps open for the context's life. Both are needed: the flag alone changed nothing (a closed
 * page's renderer ends with it, so the next page starts one: 6.05, 6.36 against 6.31, 6.29 s of
 * CPU for ten pages, bench/RESULTS.md, speed56's probe), nor did the kept page alone (a page had a
 * renderer of its own: 4.48, 7.55 against 5.17, 4.50 s for 12 pages, speed-integration). Together
 * the pages of a context share the kept page's renderer. The 38 integration files that open
 * pages (three sets of A B B A A B, load 4-15): renderers 98 -> 45-46 a run, the renderers' CPU
 * 42.6 -> 37.7 and 37.8 -> 34.1 s (medians of three), Vitest's side (the kept pages) +1.5 s on
 * average: about -4 to -5 s of CPU a run (bench/RESULTS.md, chromium-renderer). The price: a crash (a killed renderer, out of memory)
 * takes down every page of that context at once, never another context's; the session's
 * `close()` then rejects with a RendererCrashedError, so no test passes on a dead page unseen.
 *
 * Started only when the run includes a project that uses it (as the Postgres setup does). When
 * Chromium cannot be installed or started, the run goes on and `chromium` carries the reason:
 * every browser test fails with it (never skips), and those projects' other tests still run.
 */
export default async function setup(
  project: TestProject,
): Promise<(() => Promise<void>) | undefined> {
  const running = await projectsInRun(project);
  if (![...running].some((name) => BROWSER_PROJECTS.has(name))) return undefined;
  const unavailable = (reason: string): undefined => {
    project.provide('chromium', { unavailable: reason } satisfies SharedChromium);
    return undefined;
  };
  let executablePath: string;
  try {
    executablePath = ensureChromium();
  } catch (error) {
    return unavailable(error instanceof Error ? error.message : String(error));
  }
  // The microphone of every page: Chromium's fake capture device playing a WAV file that a test
  // writes before its page calls getUserMedia (Chromium reads the file when capture starts), with
  // the permission prompt accepted. Silence until a test writes its own.
  const microphoneDirectory = mkdtempSync(join(tmpdir(), 'gemloop-chromium-microphone-'));
  const fakeMicrophone = join(microphoneDirectory, 'microphone.wav');
  writeFileSync(fakeMicrophone, silentWav());
  try {
    const server = await launchBrowserServer(executablePath, [
      ...CHROMIUM_ARGS,
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${fakeMicrophone}`,
      // A new page joins a live renderer of its context (the same site, as site isolation
      // allows) instead of starting one, and openBrowserContext keeps one alive for it.
      '--renderer-process-limit=1',
    ]);
    project.provide('chromium', {
      endpoint: server.wsEndpoint(),
      fakeMicrophone,
    } satisfies SharedChromium);
    return async () => {
      await server.close();
      rmSync(microphoneDirectory, { recursive: true, force: true });
    };
  } catch (error) {
    rmSync(microphoneDirectory, { recursive: true, force: true });
    return unavailable(
      `Chromium (${executablePath}) would not start: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/**
 * Starts the browser server with `args` and the one `--disable-features` switch that carries
 * playwright-core's own list and the run's (scripts/chromium-disabled-features.ts). When the
 * started browser's command line shows that playwright-core disabled a feature that list lacks
 * (a newer playwright-core), starts it again with that feature too, so the run never turns one of
 * playwright-core's back on.
 */
async function launchBrowserServer(
  executablePath: string,
  args: readonly string[],
  alsoDisabled: readonly string[] = [],
): Promise<BrowserServer> {
  const server = await chromium.launchServer({
    executablePath,
    headless: true,
    args: [
      ...args,
      disableFeaturesArg(PLAYWRIGHT_DISABLED_FEATURES, alsoDisabled, TEST_DISABLED_FEATURES),
    ],
  });
  const pid = server.process().pid;
  const missing = pid === undefined ? [] : missingPlaywrightFeatures(readCommandLine(pid));
  if (missing.length === 0) return server;
  await server.close();
  if (alsoDisabled.length > 0) {
    throw new Error(`playwright-core's --disable-features kept ${missing.join(', ')} on twice`);
  }
  return launchBrowserServer(executablePath, args, missing);
}

/** 100 ms of 16 kHz mono 16-bit silence as a WAV file: the fake microphone before a test's own. */
function silentWav(): Buffer {
  const data = 3200;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(16_000, 24);
  header.writeUInt32LE(32_000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data, 40);
  return Buffer.concat([header, Buffer.alloc(data)]);
}
