import { createRequire } from 'node:module';
import type { ZodToJsonSchemaModule } from '../../tools/zod-v3-to-json-schema.ts';

/** zod-to-json-schema, loaded on the first zod 3 schema, not at import. @internal */
export function loadZodToJsonSchema(): ZodToJsonSchemaModule {
  return createRequire(import.meta.url)('zod-to-json-schema') as ZodToJsonSchemaModule;
}
