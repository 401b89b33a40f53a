import { getEventListeners } from 'node:events';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// A full GC on demand without --expose-gc on the worker (as stream-retention.test.ts does).
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/**
 * V8's spaces of compiled code: they grow while the optimiser keeps compiling a hot path (about
 * 0.5 MB over 2,000 chat turns on Node 20, measured with heap snapshots), which is no object a
 * run kept.
 */
const CODE_SPACES = new Set(['code_space', 'code_large_object_space']);

/**
 * Bytes of objects alive after a full GC, compiled code left out: a count of what the process
 * keeps, which the load of the machine does not move (a time would).
 */
export async function liveHeap(): Promise<number> {
  // A WeakRef's target and a finished promise's reactions are let go once the current job ends.
  await new Promise((resolve) => setImmediate(resolve));
  collectGarbage();
  collectGarbage();
  let bytes = 0;
  for (const space of getHeapSpaceStatistics()) {
    if (!CODE_SPACES.has(space.space_name)) bytes += space.space_used_size;
  }
  return bytes;
}

/** How many `abort` listeners a signal holds now. */
export function abortListeners(signal: AbortSignal): number {
  return getEventListeners(signal, 'abort').length;
}

/** How many timers (`setTimeout`/`setInterval`, unref'd ones too) the process holds now. */
export function pendingTimers(): number {
  return process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
}

/**
 * Runs `work` and returns the process warnings Node emitted meanwhile (`MaxListenersExceededWarning`
 * among them), each as `name: message`.
 */
export async function warningsDuring(work: () => Promise<unknown>): Promise<string[]> {
  const warnings: string[] = [];
  const onWarning = (warning: Error): void => {
    warnings.push(`${warning.name}: ${warning.message}`);
  };
  process.on('warning', onWarning);
  try {
    await work();
    // Node emits process warnings on a later tick.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', onWarning);
  }
  return warnings;
}
