import type {
  importZodToJsonSchema as NodeImportZodToJsonSchema,
  loadZodToJsonSchema as NodeLoadZodToJsonSchema,
} from '../node/load-zod-to-json-schema.ts';

/**
 * Off Node there is no synchronous require(): nothing until `importZodToJsonSchema` has loaded it
 * (the tools code keeps what that import gave).
 * @internal
 */
export const loadZodToJsonSchema: typeof NodeLoadZodToJsonSchema = () => undefined;

/**
 * zod-to-json-schema (20.5 KB minified, needed for zod 3 schemas only: zod 4 converts itself) in a
 * chunk of its own, imported when a zod 3 schema is first met.
 * @internal
 */
export const importZodToJsonSchema: typeof NodeImportZodToJsonSchema = () =>
  import('zod-to-json-schema');
