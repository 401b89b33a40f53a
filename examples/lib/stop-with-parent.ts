/**
 * Stops a worker process the example started: on SIGTERM or SIGINT (the example's own cleanup,
 * Ctrl-C), and when the example itself goes away without stopping it (killed with SIGKILL, or
 * crashed), which closes the IPC channel the worker was started with (`stdio: [..., 'ipc']`):
 * Node emits `'disconnect'` then (https://nodejs.org/api/process.html#event-disconnect). Without
 * that, the fleet's and durable-team's workers of a killed example polled Postgres for ever.
 *
 * @param shutdown The worker's graceful shutdown (hand its runs over to the other workers).
 * @param graceMs How long the shutdown may take before the process exits anyway (its database
 *   may have gone with the example). @defaultValue 10000
 */
export function stopWithParent(shutdown: () => Promise<unknown>, graceMs = 10_000): void {
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(1), graceMs).unref();
    shutdown().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // Started without an IPC channel (by hand, `node worker.ts`): only the signals stop it.
  if (process.connected) process.on('disconnect', stop);
}
