/** How long {@link settles} waits by default: a hang guard, not a speed goal (load 20 holds). */
const SETTLES_HANG_GUARD_MS = 10_000;

/**
 * `promise`, or a rejection saying `<what> never settled` once `ms` pass first: a test's guard
 * against a call that hangs (Node's `mkdir(dir, { recursive: true })` under `/proc` never
 * settles), failing with a message that names what hung instead of the test's whole timeout.
 * The timer is always cleared, so a settled promise leaves nothing behind. A hang guard only:
 * never a time limit a slow, loaded machine could miss.
 *
 * @example
 * ```ts
 * const error = await settles(store.add(memory).catch((thrown) => thrown), 'the add');
 * ```
 */
export async function settles<T>(
  promise: Promise<T>,
  what: string,
  ms: number = SETTLES_HANG_GUARD_MS,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} never settled`)), ms);
  });
  try {
    return await Promise.race([promise, guard]);
  } finally {
    clearTimeout(timer);
  }
}
