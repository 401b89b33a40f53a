import * as zodCore from 'zod/v4/core';
import type {
  assertZodNesting as NodeAssertZodNesting,
  describeZodNotJson as NodeDescribeZodNotJson,
  importCfworker as NodeImportCfworker,
  importOpenApiConverter as NodeImportOpenApiConverter,
  importZodToJsonSchema as NodeImportZodToJsonSchema,
  loadCfworker as NodeLoadCfworker,
  loadOpenApiConverter as NodeLoadOpenApiConverter,
  loadZodCore as NodeLoadZodCore,
  loadZodToJsonSchema as NodeLoadZodToJsonSchema,
} from '../node/load-schema-libraries.ts';

/** `zod/v4/core`, imported statically off Node (zod is a peer dependency, so it is there). @internal */
export const loadZodCore: typeof NodeLoadZodCore = () => zodCore;

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

/**
 * Off Node there is no synchronous require(): nothing until `importCfworker` has loaded it (the
 * tools code keeps what that import gave).
 * @internal
 */
export const loadCfworker: typeof NodeLoadCfworker = () => undefined;

/**
 * @cfworker/json-schema (22.7 KB minified) in a chunk of its own, with tools/'s check that runs it
 * (`createCfworkerCheck`, 2.4 KB: bench/RESULTS.md, "bytes2"), imported when a JSON Schema tool is
 * defined or a run of an agent with one starts: an app whose tools are all zod never loads them.
 * @internal
 */
export const importCfworker: typeof NodeImportCfworker = () =>
  Promise.all([
    import('@cfworker/json-schema'),
    import('../../tools/schema/cfworker-check.ts'),
  ]).then(([{ Validator }, { createCfworkerCheck }]) => ({ Validator, createCfworkerCheck }));

/**
 * Off Node there is no synchronous require(): nothing until `importOpenApiConverter` has loaded it.
 * @internal
 */
export const loadOpenApiConverter: typeof NodeLoadOpenApiConverter = () => undefined;

/**
 * `toOpenApiSchema` (`schemaFormat: 'openapi'`; 8.7 KB minified with its keyword rules and the
 * `allOf` merge, ~3 KB gzip: bench/RESULTS.md, "bytes3") in a chunk of its own, imported when a
 * tool with that format is defined: the default `parametersJsonSchema` never needs it.
 * @internal
 */
export const importOpenApiConverter: typeof NodeImportOpenApiConverter = () =>
  import('../../tools/schema/to-open-api-schema.ts').then(({ toOpenApiSchema }) => toOpenApiSchema);

/**
 * Off Node, no walk of a zod schema's depth before zod converts it: the walk is ~430 B gzip, and
 * the agent app's bundle had under 100 B to spare (bench/RESULTS.md, "schema-depth2"). A schema
 * nested past the limit is still refused: by the converted schema's check, or, thousands of levels
 * deep, when zod's converter overflows the stack (reported as the same limit, after 1-2 s).
 * @internal
 */
export const assertZodNesting: typeof NodeAssertZodNesting = () => {};

/**
 * Off Node, no search for the place of a zod 4 type JSON cannot carry: the refusal says what zod
 * says (the type, not its place), and the bytes stay out of the agent app's bundle.
 * @internal
 */
export const describeZodNotJson: typeof NodeDescribeZodNotJson = () => undefined;
