import { ensureChromium } from '../packages/cli/src/view/__fixtures__/ensure-chromium.ts';

/**
 * Vitest global setup of the projects that drive Debian's Chromium (cli, runtimes, examples):
 * installs it once, before their files start, so no test's timeout pays for `apt-get` and the
 * computer-use example (which only checks for it) finds it. Safe when the three run it at once
 * (`ensureChromium` lets one process install). Throws why when it cannot: those projects fail.
 */
export default function setup(): void {
  ensureChromium();
}
