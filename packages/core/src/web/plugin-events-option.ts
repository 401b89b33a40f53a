import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';

/**
 * The `pluginEvents` option of the event-stream helpers: the names of the plugins whose events a
 * page gets, as a set (`undefined` for none). @internal
 * @throws {@link InvalidArgumentError} for what is not a list of plugin names.
 */
export function pluginEventsOption(value: unknown): ReadonlySet<string> | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((name) => typeof name === 'string' && name !== '')) {
    throw new InvalidArgumentError({
      argument: 'pluginEvents',
      message:
        "pluginEvents must be a list of plugin names (their `name`), e.g. ['mcp-requests']: a page gets only the events of the plugins listed.",
    });
  }
  return value.length === 0 ? undefined : new Set(value as string[]);
}
