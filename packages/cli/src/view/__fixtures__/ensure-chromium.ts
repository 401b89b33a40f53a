import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian's Chromium, which the browser tests drive (playwright-core never downloads one). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * The flags every test starts Chromium with: headless, no sandbox (root), and no network of its own
 * (no QUIC, background, component or sync traffic: this machine's closed network refuses them).
 */
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

/**
 * Makes sure Debian's `chromium` is installed: when it is missing and the tests run as root (CI
 * on a fresh Debian machine), runs `apt-get update` and `apt-get install -y chromium`. Throws an
 * error that says why when it still is not there: the browser test fails loudly, never skips.
 */
export function ensureChromium(): string {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    throw new Error(
      `${CHROMIUM_PATH} is missing and the tests do not run as root, so they cannot install it. Run: sudo apt-get update && sudo apt-get install -y chromium`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['update'], { stdio: 'pipe', env, timeout: 300_000 });
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], {
      stdio: 'pipe',
      env,
      timeout: 600_000,
    });
  } catch (error) {
    const output = (error as { stderr?: Buffer }).stderr?.toString() ?? String(error);
    throw new Error(`Installing chromium with apt-get failed:\n${output.slice(-2000)}`);
  }
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`apt-get install chromium finished but ${CHROMIUM_PATH} is still missing.`);
  }
  return CHROMIUM_PATH;
}
