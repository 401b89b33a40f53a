import { createRequire } from 'node:module';
import type { ZodV4Core } from '../../tools/zod-v4-to-json-schema.ts';

/**
 * `zod/v4/core`, loaded on the first zod 4 schema that cannot convert itself, not at import.
 * @internal
 */
export function loadZodCore(): ZodV4Core {
  return createRequire(import.meta.url)('zod/v4/core') as ZodV4Core;
}
