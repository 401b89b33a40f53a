import { rmSync } from 'node:fs';
import { takeDirectoryLock } from '../../../../../scripts/directory-lock.ts';

/** What {@link installOnce} installs, and how it knows it is there. */
export type InstallOnceOptions = {
  /** The lock directory, shared by every process that may install (e.g. under `os.tmpdir()`). */
  lock: string;
  /** Whether it is installed (asked before installing, and while another process installs). */
  installed: () => boolean;
  /** Installs it (synchronously); a throw is the caller's error, and frees the lock. */
  install: () => void;
  /** Names it in the timeout error. */
  what: string;
  /** How long to wait for another process's install; 16 minutes by default (apt-get's 5 + 10). */
  waitMs?: number;
};

/**
 * Runs `install` in one process at a time across a test run (Vitest's workers and projects are
 * processes of their own): a process that finds the lock taken waits until the holder is done and
 * `installed()` says so, then returns without installing. The lock is scripts/directory-lock.ts's
 * (a directory holding its holder's pid; a lock whose holder is gone, a run killed mid install, is
 * taken over).
 */
export function installOnce({
  lock,
  installed,
  install,
  what,
  waitMs = 16 * 60_000,
}: InstallOnceOptions): void {
  if (installed()) return;
  const deadline = Date.now() + waitMs;
  while (!takeDirectoryLock(lock)) {
    if (installed()) return;
    if (Date.now() > deadline) {
      throw new Error(
        `${what} is missing and another process (see ${lock}) has been installing it for ${Math.round(waitMs / 1000)} s.`,
      );
    }
    // A synchronous wait: the callers (a global setup, a test's setup) wait for nothing else.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  }
  try {
    if (!installed()) install();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
