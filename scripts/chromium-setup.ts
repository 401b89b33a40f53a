import { chromium } from 'playwright-core';
import type { TestProject } from 'vitest/node';
import {
  CHROMIUM_ARGS,
  ensureChromium,
} from '../packages/cli/src/view/__fixtures__/ensure-chromium.ts';
import type { SharedChromium } from '../packages/cli/src/view/__fixtures__/open-browser-context.ts';

/**
 * The projects whose tests open pages in the run's one Chromium (`openBrowserContext`), or hand
 * its endpoint to a process (the computer-use example's `--browser`).
 */
const BROWSER_PROJECTS: ReadonlySet<string> = new Set([
  'cli',
  'runtimes',
  'integration',
  'examples',
]);

/**
 * One headless Chromium for the whole run, the root config's global setup (vitest.config.ts):
 * Debian's `chromium` (installed with apt-get when missing and running as root), started once
 * with playwright-core's `launchServer`, its endpoint provided to every project as `chromium`.
 * Each browser test connects to it and opens a context of its own (cookies, storage and cache
 * are per context), and the computer-use example connects to it (`--browser`), as the guide
 * asks: thirteen test files and that example each started a browser of their own before. It is
 * not a CPU saving: the browser test files took 33-35 s of CPU either way (the renderers, one per
 * page, and the pages' own work are most of it; the starts were about 1 s each).
 *
 * Started only when the run includes a project that uses it (as the Postgres setup does). When
 * Chromium cannot be installed or started, the run goes on and `chromium` carries the reason:
 * every browser test fails with it (never skips), and those projects' other tests still run.
 */
export default async function setup(
  project: TestProject,
): Promise<(() => Promise<void>) | undefined> {
  const names = project.vitest.projects.map((each) => each.name);
  if (!names.some((name) => BROWSER_PROJECTS.has(name))) return undefined;
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
  try {
    const server = await chromium.launchServer({
      executablePath,
      headless: true,
      args: [...CHROMIUM_ARGS],
    });
    project.provide('chromium', { endpoint: server.wsEndpoint() } satisfies SharedChromium);
    return async () => {
      await server.close();
    };
  } catch (error) {
    return unavailable(
      `Chromium (${executablePath}) would not start: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
