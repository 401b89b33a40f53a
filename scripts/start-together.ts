import type { TestProject } from 'vitest/node';

/** What a global setup may return: the function that undoes it, or nothing to undo. */
export type Teardown = () => void | Promise<void>;

/**
 * A global setup as Vitest calls one: given the root project, it may return (or resolve to) its
 * {@link Teardown}; anything else it returns is ignored, as Vitest ignores it.
 */
export type GlobalSetup = (project: TestProject) => unknown;

/** `value` as a teardown when it is a function (what a setup returned), else undefined. */
function teardownOf(value: unknown): Teardown | undefined {
  return typeof value === 'function' ? (value as Teardown) : undefined;
}

/**
 * One global setup made of `first` and then `rest` side by side (startTogether): Vitest runs the
 * files of its `globalSetup` one after another, and starts no test before the last has returned.
 * Its teardown stops `rest` side by side, then `first`, also when one of theirs throws; when one of
 * `rest` fails to start, the others that started and `first` are undone before its error is thrown.
 */
export function firstThenTogether(
  first: GlobalSetup,
  rest: readonly GlobalSetup[],
): (project: TestProject) => Promise<Teardown> {
  return async (project) => {
    const undoFirst = teardownOf(await first(project)) ?? (() => {});
    let stopRest: Teardown;
    try {
      stopRest = await startTogether(project, rest);
    } catch (error) {
      await undoFirst();
      throw error;
    }
    return async () => {
      try {
        await stopRest();
      } finally {
        await undoFirst();
      }
    };
  };
}

/**
 * Runs `setups` at once and returns one teardown for all that started, which runs theirs at once
 * and throws the first error after every one has ended. When a setup fails, the others are still
 * awaited and those that started are torn down before its error is thrown (the setup's error is
 * the one reported): nothing they started (a server, a browser) outlives a run that could not begin.
 */
export async function startTogether(
  project: TestProject,
  setups: readonly GlobalSetup[],
): Promise<Teardown> {
  const started = await Promise.allSettled(setups.map(async (each) => each(project)));
  const teardowns = started.flatMap((result) => {
    const teardown = result.status === 'fulfilled' ? teardownOf(result.value) : undefined;
    return teardown === undefined ? [] : [teardown];
  });
  const stop = async (): Promise<void> => {
    const ended = await Promise.allSettled(teardowns.map(async (teardown) => teardown()));
    const failed = ended.find((result) => result.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  };
  const failed = started.find((result) => result.status === 'rejected');
  if (failed !== undefined) {
    await stop().catch(() => {});
    throw failed.reason;
  }
  return stop;
}
