/**
 * `source`'s values until `signal` aborts: a read waiting in DBOS (which polls a running run's
 * stream until it writes) is left at the abort, not awaited; DBOS ends it at the run's next
 * entry or end. The values it held are not read. @internal
 */
export async function* untilAborted<T>(
  source: AsyncGenerator<T, void, unknown>,
  signal: AbortSignal | undefined,
): AsyncGenerator<T, void, unknown> {
  if (signal === undefined) return yield* source;
  let onAbort = (): void => {};
  const aborted = new Promise<'aborted'>((resolve) => {
    onAbort = () => resolve('aborted');
  });
  if (signal.aborted) onAbort();
  // Removed when this read ends: a run polled each second for days makes a read a second.
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    while (true) {
      const pending = source.next();
      // A read left at the abort may still fail later: nobody waits for it then.
      pending.catch(() => {});
      const read = await Promise.race([pending, aborted]);
      if (read === 'aborted' || read.done) return;
      yield read.value;
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    // Ends the read whichever way this one ends (an abort, the caller's `break`); after a
    // pending `next()` when aborted, not awaited.
    void source.return(undefined).catch(() => {});
  }
}
