import type { CliIo } from '../../cli-io.ts';

/**
 * The first Ctrl-C (or SIGTERM) stops the eval (its batch job cancelled, its agents aborted); the
 * listener is gone after it, so a second one is Node's own and ends the process.
 */
export function onFirstSignal(stop: () => void): () => void {
  const once = (): void => {
    release();
    stop();
  };
  const release = (): void => {
    process.off('SIGINT', once);
    process.off('SIGTERM', once);
  };
  process.once('SIGINT', once);
  process.once('SIGTERM', once);
  return release;
}

/**
 * Runs `work` with a signal the user's interrupt aborts: 130 (the shell's code for a Ctrl-C) and
 * what was stopped when it did, else `work`'s code.
 */
export async function interruptible(
  command: string,
  io: CliIo,
  onInterrupt: (stop: () => void) => () => void,
  work: (signal: AbortSignal) => Promise<number>,
): Promise<number> {
  const controller = new AbortController();
  const release = onInterrupt(() => controller.abort(new Error(`${command} was interrupted`)));
  try {
    return await work(controller.signal);
  } catch (error) {
    if (!controller.signal.aborted) throw error;
    io.stderr(
      `${command}: stopped (interrupted): the cases running were aborted and none was started after; no result was written.\n`,
    );
    return 130;
  } finally {
    release();
  }
}
