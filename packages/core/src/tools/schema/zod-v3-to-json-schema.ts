import {
  importZodToJsonSchema,
  refuseZodV3NotJson,
  loadZodToJsonSchema as requireZodToJsonSchema,
} from '#platform/load-schema-libraries';
import { SchemaLibraryNotLoadedError } from '../../errors/schema-library-not-loaded-error.ts';
import { SchemaLibraryLoader } from './schema-library-loader.ts';

/** A zod 3 schema (zod 3's classic API, `zod@3` or `zod/v3`): `_def.typeName`, no `_zod`. */
export type ZodV3SchemaLike = {
  readonly _def: { readonly typeName: string };
  safeParse(value: unknown): unknown;
};

/** Whether `value` is a zod 3 (classic API) schema. zod 4 schemas also have `_def`, so check `_zod`. */
export function isZodV3Schema(value: unknown): value is ZodV3SchemaLike {
  if (typeof value !== 'object' || value === null || '_zod' in value) return false;
  const def = (value as { _def?: { typeName?: unknown } })._def;
  return (
    typeof def?.typeName === 'string' &&
    typeof (value as { safeParse?: unknown }).safeParse === 'function'
  );
}

/**
 * The part of zod-to-json-schema used here, with the merge of the `allOf`s it writes for an
 * intersection (`mergeIntersections`), which comes with it: off Node in its chunk. @internal
 */
export type ZodToJsonSchemaModule = {
  zodToJsonSchema(schema: unknown, options: Record<string, unknown>): Record<string, unknown>;
  ignoreOverride: symbol;
  mergeIntersections(schema: Record<string, unknown>): Record<string, unknown>;
};

/**
 * zod-to-json-schema is CommonJS and only needed for zod 3 schemas: loaded on first use, on Node
 * synchronously; off Node imported ahead of it (see {@link loadZodV3Converter}).
 */
const converter = new SchemaLibraryLoader<ZodToJsonSchemaModule>(
  requireZodToJsonSchema,
  importZodToJsonSchema,
);

/**
 * Off Node, the import of the zod 3 converter: started here (by `defineTool` for a zod 3 tool, by
 * a conversion that found it missing), or the one in flight. Undefined when there is nothing to
 * wait for: it is loaded, or this is Node, where it loads synchronously on the first conversion.
 * @internal
 */
export function loadZodV3Converter(): Promise<void> | undefined {
  return converter.load();
}

/** zod 3 types JSON cannot carry: the model could never send a value that passes validation. */
const notJson: Record<string, string> = {
  ZodDate: 'z.string().datetime() (or z.coerce.date())',
  ZodBigInt: 'z.number().int() or z.string() (or z.coerce.bigint())',
  ZodMap: 'z.record() or an array of [key, value] pairs',
  ZodSet: 'z.array()',
  ZodSymbol: 'z.string()',
  ZodFunction: 'a JSON value',
  ZodPromise: 'a JSON value',
  ZodNaN: 'z.number()',
};

/**
 * Converts a zod 3 schema to JSON Schema (draft-07) describing its input, with zod-to-json-schema.
 *
 * Never call this with a zod 4 schema: zod-to-json-schema does not know zod 4's internals and
 * silently returns `{ "$schema": ... }` with no properties (see the test). `defineTool` routes zod 4
 * schemas to `zodV4ToJsonSchema` instead.
 *
 * An intersection (`.and()`), which zod-to-json-schema writes as `allOf`, is merged into one
 * schema, as zod 4 declares it (`mergeIntersections`).
 *
 * @throws Error when the schema contains a type JSON cannot carry (`z.date()`, `z.map()`, ...), with
 * the path and a replacement, or an intersection whose sides share no type, with its place.
 * @throws {@link SchemaLibraryNotLoadedError} off Node before the converter's import arrived (it
 *   is started then); never on Node.
 */
export function zodV3ToJsonSchema(
  schema: ZodV3SchemaLike,
  toolName?: string | undefined,
): Record<string, unknown> {
  const loaded = converter.get();
  if (loaded === undefined) {
    converter.load();
    throw new SchemaLibraryNotLoadedError({ library: 'zod-to-json-schema', toolName });
  }
  const { zodToJsonSchema, ignoreOverride, mergeIntersections } = loaded;
  const converted = zodToJsonSchema(schema, {
    target: 'jsonSchema7',
    // Reused sub-schemas become `$ref`s into the root; `cleanJsonSchema` inlines all that are not
    // recursive. `none` would turn recursion into `{}` and print a console warning.
    $refStrategy: 'root',
    // The input side is what the model sends: before transforms, and the first schema of a pipe.
    effectStrategy: 'input',
    pipeStrategy: 'input',
    // Like zod 4's input schemas: `z.object()` (which strips unknown keys) says nothing about
    // extra keys, `.strict()` says `additionalProperties: false`. zod-to-json-schema's default
    // would write `false` on every object.
    removeAdditionalStrategy: 'strict',
    allowedAdditionalProperties: undefined,
    override: (
      def: { typeName?: string; coerce?: boolean; value?: unknown },
      refs: { currentPath: string[] },
    ) => {
      const { typeName, value } = def;
      const path = refs.currentPath.slice(1).join('/') || '(root)';
      // zod-to-json-schema writes a literal other than a string, number or boolean as
      // `{ type: 'object' }`: a `z.literal(null)` told the model to send an object (zod 4
      // declares it as below), a bigint one broke JSON.stringify later, unnamed (attack68b).
      if (typeName === 'ZodLiteral' && value === null) return { type: 'null', enum: [null] };
      // A divisor of 0, NaN or Infinity, a bigint default (Node only, as zod 4's places).
      refuseZodV3NotJson(def, path);
      const replacement =
        typeName === 'ZodLiteral'
          ? value === undefined
            ? '.optional() to leave the field out'
            : typeof value === 'bigint'
              ? 'a number literal'
              : undefined
          : typeName === undefined
            ? undefined
            : notJson[typeName];
      if (replacement !== undefined && def.coerce !== true) {
        throw new Error(
          `${typeName} at ${path} cannot be represented in JSON, so the model cannot send it; use ${replacement}`,
        );
      }
      return ignoreOverride;
    },
  });
  return mergeIntersections(converted);
}
