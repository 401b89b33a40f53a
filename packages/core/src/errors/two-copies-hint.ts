import { version } from '../version.ts';

/**
 * What a refusal of `value` ("needs a client made by createGemini"; `registry` names the
 * `versionRegistry` its maker registers it in, `what` and `maker` word it) adds when another
 * *version* of @gemloop/core made it: its words, naming both versions and the fix, or `''`. A copy of this
 * version shares the registry and is never refused; another version's internals may differ, so
 * they are not read, only found (each version keeps its registry on `globalThis` under a
 * `Symbol.for` key carrying the version, see `versionRegistry`). Only on a refusal's path.
 * @internal
 */
export function twoCopiesHint(
  value: unknown,
  registry = 'client-internals',
  what = 'client',
  maker = 'createGemini',
): string {
  if (typeof value !== 'object' || value === null) return '';
  const prefix = `gemloop.${registry}@`;
  const holder = globalThis as { [key: symbol]: unknown };
  for (const key of Object.getOwnPropertySymbols(holder)) {
    const description = key.description ?? '';
    if (!description.startsWith(prefix)) continue;
    const made = description.slice(prefix.length);
    const found = holder[key];
    if (made !== version && found instanceof WeakMap && found.has(value)) {
      return ` This ${what} was made by another version of @gemloop/core (${made}; this one is ${version}): two copies of @gemloop/core are loaded. Install one version for the app and its libraries (npm dedupe, pnpm overrides), or make the ${what} with this copy's ${maker}.`;
    }
  }
  return '';
}
