import { ignoreOverride, zodToJsonSchema } from 'zod-to-json-schema';
import type { loadZodToJsonSchema as NodeLoadZodToJsonSchema } from '../node/load-zod-to-json-schema.ts';

/** zod-to-json-schema, imported statically off Node (no synchronous require() there). @internal */
export const loadZodToJsonSchema: typeof NodeLoadZodToJsonSchema = () => ({
  zodToJsonSchema,
  ignoreOverride,
});
