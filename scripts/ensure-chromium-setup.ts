import { ensureChromium } from '../packages/cli/src/view/__fixtures__/ensure-chromium.ts';

/**
 * Vitest global setup of the projects that drive Debian's Chromium (cli, runtimes, examples):
 * installs it once, before their files start, so no test's timeout pays for `apt-get` and the
 * computer-use example (which only checks for it) finds it. Safe when the three run it at once
 * (`ensureChromium` lets one process install). When it cannot (not root, apt-get failed), the
 * projects still run: each browser test calls `ensureChromium` itself and fails with that reason,
 * and the rest of those projects' tests do not depend on a browser.
 */
export default function setup(): void {
  try {
    ensureChromium();
  } catch {
    // Reported by every test that needs the browser (see above), not by the whole project.
  }
}
