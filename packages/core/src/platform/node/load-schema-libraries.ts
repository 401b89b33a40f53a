import { createRequire } from 'node:module';
import { requireDependency } from '../../errors/schema-library-not-loaded-error.ts';
import { createCfworkerCheck } from '../../tools/schema/cfworker-check.ts';
import { mergeIntersections, mergeJsonSchemaAllOf } from '../../tools/schema/merge-all-of.ts';
import { toOpenApiSchema } from '../../tools/schema/to-open-api-schema.ts';

export {
  assertZodNesting,
  describeZodNotJson,
  refuseZodV3NotJson,
} from '../../tools/schema/inline-refs.ts';
// zod 4's `allOf`s merged too (zod 4 folds only sides of plain objects itself), and a plain JSON
// Schema's (`cleanJsonSchema`): see the web half.
export { mergeIntersections, mergeJsonSchemaAllOf };

// The schema libraries tools/ converts and validates with, one module for the three: each module
// the root import loads costs about 1 M instructions of Node's ES module loader (bench/RESULTS.md,
// "rss-cold"), and these three are reached by `defineTool`, so by every `import '@gemloop/core'`.
// The JSON Schema validator comes with tools/'s check that runs it (`createCfworkerCheck`), which
// the web half imports with the library, so that it is in the library's lazy chunk there. The two
// converters are named in a literal `require()` for bundlers to see (see `requireDependency`).

/** Node's require() from this file, for what a bundle left out (see `requireDependency`). */
const nodeRequire = (): NodeJS.Require => createRequire(import.meta.url);

/**
 * `zod/v4/core`, loaded on the first zod 4 schema that cannot convert itself, not at import.
 * Untyped here: tools/ declares the part it uses.
 * @internal
 */
export function loadZodCore(): unknown {
  return requireDependency({
    name: 'zod/v4/core',
    neededBy: 'A zod 4 schema that cannot convert itself (zod/mini, zod 4.0 or 4.1, zod 3.25)',
    // Not named in a literal require(): a bundler would add zod's CommonJS copy (~500 KB
    // minified, +88 KB gzip, ~6 MB more RSS) to every Node bundle, for the few schemas that need it.
    bundled: undefined,
    nodeRequire,
    fix: 'Use schemas of zod 4.2+ from "zod", which convert themselves, or mark "zod" external and install it beside the bundle.',
  });
}

/**
 * zod-to-json-schema, loaded on the first zod 3 schema, not at import, with tools/'s merge of the
 * `allOf`s it writes for an intersection (`mergeIntersections`; this module has it statically
 * already, through `toOpenApiSchema`). Untyped here: tools/ declares the part it uses.
 * @internal
 */
export function loadZodToJsonSchema(): unknown {
  const converter = requireDependency({
    name: 'zod-to-json-schema',
    neededBy: 'A zod 3 schema',
    bundled: () => require('zod-to-json-schema'),
    nodeRequire,
  }) as object;
  return { ...converter, mergeIntersections };
}

/**
 * Nothing to import ahead of use on Node: `loadZodToJsonSchema` loads it synchronously where it is
 * first needed. The web half imports it here (see `preloadToolSchemas`).
 * @internal
 */
export function importZodToJsonSchema(): Promise<unknown> | undefined {
  return undefined;
}

/**
 * @cfworker/json-schema's `Validator`, loaded on the first JSON Schema tool call, not at import,
 * with `createCfworkerCheck`. Untyped here: tools/ declares the part it uses.
 * @internal
 */
export function loadCfworker(): unknown {
  const { Validator } = requireDependency({
    name: '@cfworker/json-schema',
    neededBy: "A JSON Schema tool's validation",
    bundled: () => require('@cfworker/json-schema'),
    nodeRequire,
  }) as { Validator: unknown };
  return { Validator, createCfworkerCheck };
}

/**
 * Nothing to import ahead of use on Node: `loadCfworker` loads it synchronously where it is first
 * needed. The web half imports it here (see `preloadToolSchemas`).
 * @internal
 */
export function importCfworker(): Promise<unknown> | undefined {
  return undefined;
}

/**
 * The converter of `schemaFormat: 'openapi'` (`toOpenApiSchema`), statically here: on Node a tool's
 * declaration is made when it is defined, and the root import reached the converter before (the
 * web half imports it only for such a tool).
 * @internal
 */
export function loadOpenApiConverter(): unknown {
  return toOpenApiSchema;
}

/**
 * Nothing to import ahead of use on Node: `loadOpenApiConverter` has it. The web half imports it
 * here (see `preloadToolSchemas`).
 * @internal
 */
export function importOpenApiConverter(): Promise<unknown> | undefined {
  return undefined;
}
