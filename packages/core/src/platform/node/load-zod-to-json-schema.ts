import { createRequire } from 'node:module';

/**
 * zod-to-json-schema, loaded on the first zod 3 schema, not at import. Untyped here: tools/
 * declares the part it uses.
 * @internal
 */
export function loadZodToJsonSchema(): unknown {
  return createRequire(import.meta.url)('zod-to-json-schema');
}

/**
 * Nothing to import ahead of use on Node: `loadZodToJsonSchema` loads it synchronously where it is
 * first needed. The web half imports it here (see `preloadToolSchemas`).
 * @internal
 */
export function importZodToJsonSchema(): Promise<unknown> | undefined {
  return undefined;
}
