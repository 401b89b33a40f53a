// The tail of each queue, per store object and session id. A WeakMap, so a store that is dropped
// takes its queues with it; an id's entry is removed once its queue drains. No signature can carry
// it: two session objects that share the user's store, made apart, must queue on one tail.
// why (kept): keyed by the user's store object; see the reason above.
const queues = new WeakMap<object, Map<string, Promise<void>>>();

/**
 * Runs `task` once every earlier task queued for the same `owner` and `key` has settled, so the
 * operations of one conversation (on any session object sharing the store) run one at a time, in
 * call order, and each sees what the one before saved. Different keys run in parallel.
 *
 * When `signal` aborts while the task is still waiting, the returned promise rejects at once with
 * `onAbort()` and the task never runs (the queue moves on without it). Once started, the task is
 * not interrupted here; it gets the signal itself. A task that settles before a call it made has
 * (it stopped waiting for a store that ignores its signal) passes that call to `hold`: the queue
 * moves on only once it has settled too, so the next task never runs beside it.
 * @internal
 */
export function runExclusive<T>(
  owner: object,
  key: string,
  task: (hold: (pending: Promise<unknown>) => void) => Promise<T>,
  { signal, onAbort }: { signal?: AbortSignal | undefined; onAbort?: () => unknown } = {},
): Promise<T> {
  let byKey = queues.get(owner);
  if (byKey === undefined) {
    byKey = new Map();
    queues.set(owner, byKey);
  }
  const previous = byKey.get(key) ?? Promise.resolve();
  let release!: () => void;
  const done = new Promise<void>((resolve) => {
    release = resolve;
  });
  const tail = previous.then(() => done);
  byKey.set(key, tail);
  const queue = byKey;
  void tail.then(() => {
    if (queue.get(key) === tail) queue.delete(key);
  });

  return new Promise<T>((resolve, reject) => {
    let cancelled = false;
    const abort = (): void => {
      cancelled = true;
      reject(onAbort === undefined ? signal?.reason : onAbort());
    };
    if (signal?.aborted === true) abort();
    else signal?.addEventListener('abort', abort, { once: true });
    void previous.then(async () => {
      signal?.removeEventListener('abort', abort);
      if (cancelled) {
        release();
        return;
      }
      const held: Promise<unknown>[] = [];
      try {
        resolve(await task((pending) => held.push(pending)));
      } catch (error) {
        reject(error);
      } finally {
        if (held.length > 0) await Promise.allSettled(held);
        release();
      }
    });
  });
}
