import { assertZodNesting, describeZodNotJson } from '#platform/load-schema-libraries';
import { GemloopError } from '../../errors/gemloop-error.ts';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { formatPath, SCHEMA_TOO_DEEP, SchemaConflictError } from '../schema/inline-refs.ts';
import type { JsonSchemaParameters } from '../schema/json-schema.ts';
import { assertObjectJsonSchema } from '../schema/json-schema.ts';
import type { SchemaPath } from '../schema/schema-warning.ts';
import type { StandardSchemaV1 } from '../schema/standard-schema.ts';
import { hasStandardJsonSchema, isStandardSchema } from '../schema/standard-schema.ts';
import { createJsonSchemaArgsValidator } from '../schema/validate-json-schema-args.ts';
import type { ZodV3SchemaLike } from '../schema/zod-v3-to-json-schema.ts';
import { isZodV3Schema, zodV3ToJsonSchema } from '../schema/zod-v3-to-json-schema.ts';
import type { ZodV4SchemaLike } from '../schema/zod-v4-to-json-schema.ts';
import { isZodV4Schema, zodV4ToJsonSchema } from '../schema/zod-v4-to-json-schema.ts';
import type { ToolArgumentIssue, ToolArgumentsResult } from '../tool.ts';

/**
 * What a tool's `parameters` may be: a zod 4 or zod 3 object schema, any Standard Schema that
 * also implements Standard JSON Schema (ArkType, Valibot through its adapter), or a plain JSON
 * Schema object (optionally typed with `jsonSchema<Args>()`).
 */
// biome-ignore lint/suspicious/noExplicitAny: any schema, whatever it parses to.
export type ToolParameters = StandardSchemaV1<any, any> | JsonSchemaParameters<any>;

/** Where a tool's parameter schema came from. */
export type ToolParametersSource = 'zod-v4' | 'zod-v3' | 'standard-schema' | 'json-schema' | 'none';

/** @internal */
export type ResolvedToolParameters = {
  source: ToolParametersSource;
  /** The schema's JSON Schema, as converted (before any cleaning for Gemini). */
  jsonSchema: Record<string, unknown> | undefined;
  parse: (args: unknown) => ToolArgumentsResult<unknown>;
};

/**
 * Converts a tool's `parameters` to JSON Schema, once, and makes its argument parser.
 *
 * @throws {@link InvalidArgumentError} when the schema cannot be converted or does not describe an
 * object.
 * @throws `SchemaLibraryNotLoadedError` off Node for a zod 3 schema before its converter's
 * import arrived (see `createZodV3ArgsParser`); `MissingDependencyError` on Node when the
 * converter is not in the app's bundle nor installed.
 * @internal
 */
export function resolveToolParameters(
  parameters: unknown,
  toolName: string,
): ResolvedToolParameters {
  if (parameters === undefined) {
    return { source: 'none', jsonSchema: undefined, parse: () => ({ success: true, value: {} }) };
  }
  const subject = `The parameters of tool "${toolName}"`;
  let source: ToolParametersSource;
  let jsonSchema: unknown;
  try {
    assertZodNesting(parameters);
    if (isZodV4Schema(parameters)) {
      source = 'zod-v4';
      jsonSchema = zodV4ToJsonSchema(parameters as ZodV4SchemaLike);
    } else if (isZodV3Schema(parameters)) {
      source = 'zod-v3';
      // zod-to-json-schema writes `.optional()` on the root as `anyOf: [{ not: {} }, …]` and
      // `.nullable()` as `anyOf: [object, { type: 'null' }]`, which the object check below could
      // only call "a schema with anyOf" (attack44c, tools45). The types refuse such a root
      // already; this says so to an untyped caller, naming the method. One message for both:
      // each message here is in every agent's bundle.
      const wrapper = /^Zod(Optional|Nullable)$/
        .exec((parameters as ZodV3SchemaLike)._def.typeName)?.[1]
        ?.toLowerCase();
      if (wrapper !== undefined) {
        throw new InvalidArgumentError({
          argument: 'parameters',
          message: `${subject} must be an object, not its .${wrapper}(): drop .${wrapper}() (make its fields ${wrapper} instead).`,
        });
      }
      jsonSchema = zodV3ToJsonSchema(parameters as ZodV3SchemaLike, toolName);
    } else if (isStandardSchema(parameters)) {
      if (!hasStandardJsonSchema(parameters)) {
        throw new InvalidArgumentError({
          argument: 'parameters',
          message: `${subject} are a Standard Schema (${parameters['~standard'].vendor}) that cannot produce a JSON Schema. Use zod, a library implementing Standard JSON Schema, or pass a JSON Schema object.`,
        });
      }
      source = 'standard-schema';
      jsonSchema = parameters['~standard'].jsonSchema.input({ target: 'draft-2020-12' });
    } else {
      source = 'json-schema';
      jsonSchema = parameters;
    }
  } catch (error) {
    // Ours already say what was wrong: a bad schema, a converter not loaded yet (off Node) or not
    // in the app's bundle (MissingDependencyError).
    if (GemloopError.isInstance(error)) throw error;
    throw new InvalidArgumentError({
      argument: 'parameters',
      message: `${subject} cannot be converted to JSON Schema: ${describeConversionFailure(parameters, error, 'Tool arguments arrive as JSON, so every field must be a JSON type (string, number, boolean, null, array, object).')}`,
      cause: error,
    });
  }
  assertObjectJsonSchema(jsonSchema, 'parameters', subject);
  const proto =
    source === 'zod-v4' || source === 'zod-v3' ? findProtoProperty(jsonSchema) : undefined;
  if (proto !== undefined) {
    throw new InvalidArgumentError({
      argument: 'parameters',
      message: `${subject} have a field named "__proto__" (${formatPath(proto)}): zod's parse drops it, so execute would never get it. Rename the field, or describe the parameters with jsonSchema(), whose arguments keep it.`,
    });
  }

  const parse =
    source === 'json-schema'
      ? createJsonSchemaArgsValidator(jsonSchema, toolName)
      : createStandardSchemaParser(parameters as StandardSchemaV1 | ZodV3SchemaLike, toolName);
  return { source, jsonSchema, parse: toObjectArgsParser(parse) };
}

/**
 * What follows "… cannot be converted to JSON Schema: " in the refusal of a schema its library
 * could not convert: the converter's words (with zod 4's refusals' place, `describeZodNotJson`),
 * or, for a RangeError (the converter's stack, overflowed by a schema nested thousands deep),
 * that the schema is too deep; then `why`, the sentence about JSON types, save after an
 * intersection's conflict, which ends with its own fix. One text for a tool's parameters and for
 * `output` (`prepareOutput`), which say `why` each for their own value.
 * @internal
 */
export function describeConversionFailure(schema: unknown, error: unknown, why: string): string {
  const words =
    error instanceof RangeError
      ? `it ${SCHEMA_TOO_DEEP}`
      : error instanceof Error
        ? `${error.message}${describeZodNotJson(schema, error.message) ?? ''}`
        : String(error);
  return `${words}.${error instanceof SchemaConflictError ? '' : ` ${why}`}`;
}

/**
 * A zod 3 schema's argument parser, which needs no conversion: `defineTool`'s for a zod 3 tool
 * while, off Node, the converter that makes its declaration is still loading.
 * @internal
 */
export function createZodV3ArgsParser(
  parameters: ZodV3SchemaLike,
  toolName: string,
): (args: unknown) => ToolArgumentsResult<unknown> {
  return toObjectArgsParser(createStandardSchemaParser(parameters, toolName));
}

/**
 * The argument parser `defineTool` makes for a plain JSON Schema, for a schema whose `$ref`s were
 * walked already (`findRefProblem`: an MCP listing's), so its validator does not walk them again.
 * @internal
 */
export function createRefsCheckedArgsParser(
  schema: Record<string, unknown>,
  toolName: string,
): (args: unknown) => ToolArgumentsResult<unknown> {
  return toObjectArgsParser(createJsonSchemaArgsValidator(schema, toolName, true));
}

/** `parse` for the arguments of a call: `{}` for none, an issue for anything but an object. */
function toObjectArgsParser(
  parse: (args: unknown) => ToolArgumentsResult<unknown>,
): (args: unknown) => ToolArgumentsResult<unknown> {
  return (args) => {
    // Gemini omits `args` for a call without arguments.
    const value = args === undefined || args === null ? {} : args;
    if (typeof value !== 'object' || Array.isArray(value)) {
      return {
        success: false,
        issues: [{ path: [], message: 'Arguments must be a JSON object of named parameters.' }],
      };
    }
    return parse(value);
  };
}

/**
 * Parses with the schema's own library through Standard Schema (zod 3.24+, zod 4, ...), so
 * defaults, coercions and transforms apply and `execute` gets the parsed value.
 *
 * Validation is synchronous: the agent checks arguments on its hot path, before it starts the
 * call. A schema with async refinements or transforms makes `validate` return a Promise; that is
 * a mistake in the tool, not in the model's call, so it throws an {@link InvalidArgumentError}
 * that says to move the async check into `execute`.
 */
function createStandardSchemaParser(
  schema: StandardSchemaV1 | ZodV3SchemaLike,
  toolName: string,
): (args: unknown) => ToolArgumentsResult<unknown> {
  return (args) => {
    if (!isStandardSchema(schema)) return parseWithSafeParse(schema, args);
    const result = schema['~standard'].validate(args);
    if (result instanceof Promise) {
      result.catch(() => {});
      throwWhatTheCheckThrew(schema, args);
      throw new InvalidArgumentError({
        argument: 'parameters',
        message: `The parameters schema of tool "${toolName}" needs async validation (an async refine or transform); gemloop validates tool arguments synchronously. Do the async check in execute and throw or return an error from there.`,
      });
    }
    if (result.issues !== undefined) {
      return {
        success: false,
        issues: result.issues.map((issue) => ({
          path: (issue.path ?? []).map(toPathSegment),
          message: issue.message,
        })),
      };
    }
    return { success: true, value: result.value };
  };
}

/**
 * zod (3.24+ and 4) answers with a Promise both a schema that needs async validation and one
 * whose refine or transform threw (its `validate` then retries asynchronously, and the Promise
 * rejects with the error). Its own synchronous parse tells them apart: it throws the check's error
 * as it is, or for an async check one of zod's own, whose message says it "encountered" a Promise
 * (the test zod 3's `validate` uses). A check that threw is thrown again here, so the model and
 * the developer read its error, not advice about async checks.
 */
function throwWhatTheCheckThrew(schema: object, args: unknown): void {
  const { safeParse } = schema as { safeParse?: unknown };
  if (typeof safeParse !== 'function') return;
  try {
    safeParse.call(schema, args);
  } catch (error) {
    if (!(error instanceof Error && /encountered/i.test(error.message))) throw error;
  }
}

/** zod 3 before 3.24 had no `~standard`. */
function parseWithSafeParse(schema: ZodV3SchemaLike, args: unknown): ToolArgumentsResult<unknown> {
  const result = schema.safeParse(args) as
    | { success: true; data: unknown }
    | { success: false; error: { issues: { path: (string | number)[]; message: string }[] } };
  if (result.success) return { success: true, value: result.data };
  const issues: ToolArgumentIssue[] = result.error.issues.map((issue) => ({
    path: [...issue.path],
    message: issue.message,
  }));
  return { success: false, issues };
}

function toPathSegment(segment: PropertyKey | { readonly key: PropertyKey }): string | number {
  const key = typeof segment === 'object' ? segment.key : segment;
  return typeof key === 'number' ? key : String(key);
}

/**
 * The place of a property named `__proto__` in a zod schema's JSON Schema, or `undefined`. zod's
 * parse (3 and 4) writes each field it read into a plain object by assignment, where a
 * `__proto__` key sets the prototype: the field never reaches `execute`. zod 4's converter writes
 * the property as an own key; zod-to-json-schema assigns it too, so its `properties` lose it and
 * get a prototype instead (both are looked for). Each object is walked once (a converter may
 * share one between places). Here, not in a module of its own: the root import's module count.
 * `output` (structured-output.ts) asks the same of its schema.
 * @internal
 */
export function findProtoProperty(schema: unknown): SchemaPath | undefined {
  const seen = new Set<object>();
  const walk = (node: unknown, path: SchemaPath): SchemaPath | undefined => {
    if (typeof node !== 'object' || node === null || seen.has(node)) return undefined;
    seen.add(node);
    for (const [key, value] of Object.entries(node)) {
      if (key === 'properties' && typeof value === 'object' && value !== null) {
        const prototype: unknown = Object.getPrototypeOf(value);
        if (
          Object.hasOwn(value, '__proto__') ||
          (prototype !== Object.prototype && prototype !== null)
        )
          return [...path, key, '__proto__'];
      }
      const found = walk(value, [...path, key]);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return walk(schema, []);
}
