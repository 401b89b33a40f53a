import { createRequire } from 'node:module';

/**
 * `zod/v4/core`, loaded on the first zod 4 schema that cannot convert itself, not at import.
 * Untyped here: tools/ declares the part it uses.
 * @internal
 */
export function loadZodCore(): unknown {
  return createRequire(import.meta.url)('zod/v4/core');
}
