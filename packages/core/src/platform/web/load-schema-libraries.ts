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
  mergeIntersections as NodeMergeIntersections,
  mergeJsonSchemaAllOf as NodeMergeJsonSchemaAllOf,
  refuseZodV3NotJson as NodeRefuseZodV3NotJson,
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
 * chunk of its own, imported when a zod 3 schema is first met, with tools/'s merge of the `allOf`s
 * it writes for an intersection (`mergeIntersections`, 1.2 KB minified, shared with the OpenAPI
 * converter's chunk).
 * @internal
 */
export const importZodToJsonSchema: typeof NodeImportZodToJsonSchema = () =>
  Promise.all([import('zod-to-json-schema'), import('../../tools/schema/merge-all-of.ts')]).then(
    ([converter, { mergeIntersections }]) => ({ ...converter, mergeIntersections }),
  );

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
 * deep, when zod's converter overflows the stack (reported as the same limit, after 1-2 s). A zod
 * 4 `z.promise()`, which the Node walk refuses on the way, is refused here by zod's converter
 * override in `zodV4ToJsonSchema` (its place named), for a few bytes rather than the walk's ~430.
 * @internal
 */
export const assertZodNesting: typeof NodeAssertZodNesting = () => {};

/**
 * Off Node, no search for the place of a zod 4 type JSON cannot carry: the refusal says what zod
 * says (the type, not its place), and the bytes stay out of the agent app's bundle.
 * @internal
 */
export const describeZodNotJson: typeof NodeDescribeZodNotJson = () => undefined;

/**
 * Off Node, zod 3's converter refuses what it did: a `multipleOf` divisor of 0, NaN or Infinity is
 * declared as zod-to-json-schema writes it (no number passes zod's check, so every call is
 * refused), and a bigint default fails with JSON's own words. The check and its fixes stay out of
 * the agent app's bundle: on its loaded path they left it 5 B under its budget (tools65).
 * @internal
 */
export const refuseZodV3NotJson: typeof NodeRefuseZodV3NotJson = () => {};

/**
 * Off Node, a zod 4 schema's JSON Schema is declared as zod 4 writes it: its `allOf`s are not
 * merged (the merge is ~600 B gzip, and zod 4's conversion is synchronous, so it cannot wait for a
 * chunk). zod 4 folds an intersection of plain objects into one object itself; one with a
 * described side, a field both sides define or non-object sides stays `allOf` (refused at the
 * root, as zod 4 writes it). zod 3's intersections are merged off Node too: the merge comes with
 * its converter, in its chunk (`importZodToJsonSchema`).
 * @internal
 */
export const mergeIntersections: typeof NodeMergeIntersections = (schema) => schema;

/**
 * Off Node, a plain JSON Schema's `allOf`s are sent as written (as before): its merge is 3.7 KB
 * minified, and `defineTool` makes a tool's declaration synchronously, so it cannot wait for a
 * chunk. The same no-op as {@link mergeIntersections}: its second name costs no bytes.
 * @internal
 */
export const mergeJsonSchemaAllOf: typeof NodeMergeJsonSchemaAllOf = mergeIntersections;
