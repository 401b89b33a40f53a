import { version } from '../version.ts';

/** The registry name every version's `createGemini` registers its clients under (client-internals). */
const CLIENT_REGISTRY = /^gemloop\.client-internals@(.+)$/;

/**
 * What a refusal of `gemini` ("needs a client made by createGemini") adds when another *version*
 * of @gemloop/core made it: its words, naming both versions and the fix, or `''`. A copy of this
 * version shares the registry and is never refused; another version's settings may differ, so
 * they are not read, only found (each version keeps its registry on `globalThis` under a
 * `Symbol.for` key carrying the version, see `versionRegistry`). Only on a refusal's path.
 * @internal
 */
export function twoCopiesHint(gemini: unknown): string {
  if (typeof gemini !== 'object' || gemini === null) return '';
  const holder = globalThis as { [key: symbol]: unknown };
  for (const key of Object.getOwnPropertySymbols(holder)) {
    const made = CLIENT_REGISTRY.exec(key.description ?? '')?.[1];
    const registry = holder[key];
    if (made === undefined || made === version || !(registry instanceof WeakMap)) continue;
    if (registry.has(gemini)) {
      return ` This client was made by another version of @gemloop/core (${made}; this one is ${version}): two copies of @gemloop/core are loaded. Install one version for the app and its libraries (npm dedupe, pnpm overrides), or make the client with this copy's createGemini.`;
    }
  }
  return '';
}
