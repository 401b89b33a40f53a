import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installOnce } from './install-once.ts';

/**
 * Debian's Chromium headless shell, which the browser tests drive (playwright-core never downloads
 * one): the `chromium-headless-shell` package, Chromium's "old" headless mode as a binary of its
 * own, built from the same source as Debian's `chromium` of the same version (the same Blink, V8
 * and network service), and what playwright itself runs for a headless launch. It has no browser
 * UI, where the full browser's headless mode opens a browser window for each context's first page,
 * and every test opens a context of its own: a context with one page cost the browser process
 * ~150 ms of CPU there and ~50 here; the cli project's browser files' Chromium 56.4, 64.7 -> 36.3,
 * 39.2 s of CPU (A B B A, load 25-38; bench/RESULTS.md, speed-examples).
 */
export const CHROMIUM_PATH = '/usr/bin/chromium-headless-shell';

/** The Debian package that installs {@link CHROMIUM_PATH}. */
const CHROMIUM_PACKAGE = 'chromium-headless-shell';

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
 * The lock that makes one process the installer: two `apt-get` at once fail on dpkg's own lock
 * ("Could not get lock /var/lib/dpkg/lock-frontend"), which failed every browser test of a first
 * `npm test` on a fresh machine when each project installed. A run now installs from its global
 * setup alone (scripts/chromium-setup.ts); the lock keeps two runs at once apart. It is under the
 * system's temporary folder: Vitest loads every global setup file before the first one sets the
 * run's own TMPDIR (scripts/scratch-directory-setup.ts).
 */
const INSTALL_LOCK = join(tmpdir(), 'gemloop-chromium-install.lock');

/**
 * Makes sure Debian's Chromium headless shell is installed: when it is missing and the tests run
 * as root (CI on a fresh Debian machine), runs `apt-get update` and `apt-get install -y
 * chromium-headless-shell`, one process at a time (the others wait for it and use what it
 * installed). Throws an error that says why when
 * it still is not there: the browser test fails loudly, never skips.
 */
export function ensureChromium(): string {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    throw new Error(
      `${CHROMIUM_PATH} is missing and the tests do not run as root, so they cannot install it. Run: sudo apt-get update && sudo apt-get install -y ${CHROMIUM_PACKAGE}`,
    );
  }
  installOnce({
    lock: INSTALL_LOCK,
    installed: () => existsSync(CHROMIUM_PATH),
    install: installChromium,
    what: CHROMIUM_PATH,
  });
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `apt-get install ${CHROMIUM_PACKAGE} finished but ${CHROMIUM_PATH} is still missing.`,
    );
  }
  return CHROMIUM_PATH;
}

function installChromium(): void {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Waits for dpkg's lock when something outside the tests holds it (an unattended upgrade).
  const wait = ['-o', 'DPkg::Lock::Timeout=300'];
  try {
    execFileSync('apt-get', [...wait, 'update'], { stdio: 'pipe', env, timeout: 300_000 });
    execFileSync('apt-get', [...wait, 'install', '-y', '--no-install-recommends', CHROMIUM_PACKAGE], {
      stdio: 'pipe',
      env,
      timeout: 600_000,
    });
  } catch (error) {
    const output = (error as { stderr?: Buffer }).stderr?.toString() ?? String(error);
    throw new Error(`Installing ${CHROMIUM_PACKAGE} with apt-get failed:\n${output.slice(-2000)}`);
  }
}
