import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';

/**
 * `check`, run on a plugin given as `at` (`plugins[1]`): what it throws that is not the check's own
 * typed error (a proxy whose traps throw, a getter) becomes an {@link InvalidArgumentError} naming
 * `at` in our words, since the plugin's own could carry anything (a key), and saying what to pass
 * instead. Run where a list of plugins is first read (once per agent, once per run), not per step.
 * @internal
 */
export function readingPlugin<T>(at: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (InvalidArgumentError.isInstance(error)) throw error;
    throw new InvalidArgumentError({
      argument: at,
      message: `${at} cannot be read (a getter or a proxy trap threw); pass the plugin definePlugin() (@gemloop/core/plugins) made, not a proxy of it.`,
    });
  }
}
