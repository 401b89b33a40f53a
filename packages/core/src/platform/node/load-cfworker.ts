import { createRequire } from 'node:module';

/**
 * @cfworker/json-schema, loaded on the first JSON Schema tool call, not at import. Untyped here:
 * tools/ declares the part it uses (platform/ imports nothing of the folder it serves).
 * @internal
 */
export function loadCfworker(): unknown {
  return createRequire(import.meta.url)('@cfworker/json-schema');
}

/**
 * Nothing to import ahead of use on Node: `loadCfworker` loads it synchronously where it is first
 * needed. The web half imports it here (see `preloadToolSchemas`).
 * @internal
 */
export function importCfworker(): Promise<unknown> | undefined {
  return undefined;
}
