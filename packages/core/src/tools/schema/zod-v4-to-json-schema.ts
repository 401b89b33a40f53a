import { mergeIntersections, loadZodCore as requireZodCore } from '#platform/load-schema-libraries';

// For `output` (agent/ reaches the platform's halves through tools/): see `assertZodNesting`, and
// `mergeJsonSchemaAllOf` (any `output`'s JSON Schema, not only zod 4's).
export {
  assertZodNesting,
  describeZodNotJson,
  mergeJsonSchemaAllOf,
} from '#platform/load-schema-libraries';

import { promiseRefusal } from './inline-refs.ts';
import type { SchemaPath } from './schema-warning.ts';
import { hasStandardJsonSchema, isStandardSchema } from './standard-schema.ts';

/** A zod 4 schema (from `zod` 4, `zod/v4`, `zod/mini`, or zod 3.25's `zod/v4`). */
export type ZodV4SchemaLike = { readonly _zod: { readonly def: unknown } };

/** The part of `zod/v4/core` used here. */
export type ZodV4Core = {
  toJSONSchema(schema: unknown, params: Record<string, unknown>): Record<string, unknown>;
  globalRegistry: { get(schema: unknown): unknown };
};

/** Whether `value` is a zod 4 schema (zod 4 and zod 3.25's v4 build both carry `_zod`). */
export function isZodV4Schema(value: unknown): value is ZodV4SchemaLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { _zod?: unknown })._zod === 'object' &&
    (value as { _zod: { def?: unknown } })._zod.def !== undefined
  );
}

// why (lazy): zod 4's core, loaded once.
let zodCore: ZodV4Core | undefined;

/**
 * Loads `zod/v4/core` on first use: zod is a peer dependency and a large import, so apps that
 * use only JSON Schema tools never pay for it. Both zod 4 and zod 3.25 export the path.
 */
function loadZodCore(): ZodV4Core {
  zodCore ??= requireZodCore() as ZodV4Core;
  return zodCore;
}

/**
 * Converts a zod 4 schema to JSON Schema (draft 2020-12) describing its INPUT: what the model must
 * send, before defaults and transforms apply.
 *
 * 1. zod 4.2+ classic schemas implement Standard JSON Schema (`~standard.jsonSchema.input`), which
 *    needs no import at all.
 * 2. Otherwise (zod 3.25's `zod/v4`, zod 4.0/4.1, `zod/mini`), `toJSONSchema` from `zod/v4/core`,
 *    loaded synchronously with `createRequire`. That may be a different copy of zod than the one
 *    the schema was built with (the CommonJS build next to an ESM app). Metadata such as
 *    `.describe()` lives in a per-copy registry in zod 3.25, so the other copy would drop every
 *    description; reading it through the schema's own `.meta()` avoids that.
 *
 * On Node its intersections' `allOf`s are then merged (`mergeIntersections`), as zod 3's are; off
 * Node zod 4's own fold of plain objects is all (see the web half of `#platform`).
 *
 * @throws whatever zod throws for a type JSON cannot carry (`z.date()`, `z.bigint()`, ...), and
 * for a `z.promise()`, naming its place (see `refusePromise`).
 */
export function zodV4ToJsonSchema(
  schema: ZodV4SchemaLike,
  { core }: { core?: ZodV4Core | undefined } = {},
): Record<string, unknown> {
  if (isStandardSchema(schema) && hasStandardJsonSchema(schema)) {
    return mergeIntersections(
      schema['~standard'].jsonSchema.input({
        target: 'draft-2020-12',
        libraryOptions: { override: refusePromise },
      }),
    );
  }
  const zod = core ?? loadZodCore();
  const metadata = {
    get(member: unknown): unknown {
      const meta = (member as { meta?: unknown }).meta;
      // Classic schemas read their own copy's registry; mini schemas have no `.meta()`, and in zod
      // 4 the registry is shared through `globalThis`, so the loaded copy's registry is theirs too.
      return typeof meta === 'function' ? meta.call(member) : zod.globalRegistry.get(member);
    },
  };
  return mergeIntersections(
    zod.toJSONSchema(schema, { io: 'input', metadata, override: refusePromise }),
  );
}

/**
 * zod's converter `override`, called with each schema it wrote: refuses a `z.promise()`. zod 4
 * writes a promise as its inner type, and validates it asynchronously: its synchronous parse
 * throws a TypeError of its own, so the tool could never run (attack68b). On Node the walk of
 * `assertZodNesting` refused it before the converter ran; off Node that walk is a no-op (bundle
 * size), so this is where a browser's promise is refused, naming its place, for a few bytes.
 */
function refusePromise({ zodSchema, path }: { zodSchema: ZodV4SchemaLike; path: SchemaPath }) {
  if ((zodSchema._zod.def as { type?: unknown }).type === 'promise') throw promiseRefusal(path);
}
