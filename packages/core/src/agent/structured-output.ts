import { GemloopError } from '../errors/gemloop-error.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { checkSchemaPatterns } from '../tools/define/preload-tool-schemas.ts';
import {
  describeConversionFailure,
  findProtoProperty,
} from '../tools/define/resolve-tool-parameters.ts';
import { cleanJsonSchema } from '../tools/schema/clean-json-schema.ts';
import { formatPath } from '../tools/schema/inline-refs.ts';
import { hasStandardJsonSchema, isStandardSchema } from '../tools/schema/standard-schema.ts';
import {
  isZodV3Schema,
  type ZodV3SchemaLike,
  zodV3ToJsonSchema,
} from '../tools/schema/zod-v3-to-json-schema.ts';
import {
  assertZodNesting,
  isZodV4Schema,
  mergeJsonSchemaAllOf,
  type ZodV4SchemaLike,
  zodV4ToJsonSchema,
} from '../tools/schema/zod-v4-to-json-schema.ts';
import type { JsonSchema } from '../wire/schema.ts';
import type { OutputSchema } from './config/agent-options.ts';
import type { OutputIssue } from './errors/output-validation-error.ts';

/** The `output` option, converted once. @internal */
export type PreparedOutput<Output> = {
  /** Sent as `generationConfig.responseJsonSchema`. */
  jsonSchema: JsonSchema;
  /** Parses and validates an answer's text. */
  parse(
    text: string,
  ): Promise<{ success: true; value: Output } | { success: false; issues: OutputIssue[] }>;
};

/**
 * Converts the `output` schema to the JSON Schema sent as `responseJsonSchema` (once, at
 * `createAgent`), with the tools' converters and cleaning, and makes the answer parser.
 *
 * @throws {@link InvalidArgumentError} naming `output` when it is not a supported schema or cannot
 *   become JSON Schema.
 * @internal
 */
export function prepareOutput<Output>(output: OutputSchema<Output>): PreparedOutput<Output> {
  let converted: Record<string, unknown>;
  let cleaned: Record<string, unknown>;
  try {
    // Before zod's converter, which would recurse through a schema thousands deep for seconds.
    assertZodNesting(output);
    if (isZodV4Schema(output)) converted = zodV4ToJsonSchema(output as unknown as ZodV4SchemaLike);
    else if (isZodV3Schema(output))
      converted = zodV3ToJsonSchema(output as unknown as ZodV3SchemaLike);
    else if (isStandardSchema(output) && hasStandardJsonSchema(output)) {
      converted = output['~standard'].jsonSchema.input({ target: 'draft-2020-12' });
    } else {
      throw new InvalidArgumentError({
        argument: 'output',
        message:
          'output must be a zod schema (zod 4, or zod 3.24+) or a Standard Schema that implements Standard JSON Schema, e.g. output: z.object({ answer: z.string() }).',
      });
    }
    // In the same try: the cleaning's errors (a schema nested past the limit, a cycle, a `$ref`
    // to nothing) say where, and were thrown as plain Errors (attack23).
    // Not typed as an object when it has no type (right for function parameters only): an output
    // may be a union or anything else. The root's type is read after its `$ref` is inlined (zod 4
    // writes `{ $ref, $defs }` for an object with `.meta({ id })`): deleting it when the
    // conversion's root had none asked Gemini for any type (attack44c).
    // Its `allOf`s merged as a tool's (Node only); `output` has no warnings to report a kept one.
    cleaned = cleanJsonSchema(
      mergeJsonSchemaAllOf(converted, () => {}),
      { objectRoot: false },
    );
  } catch (error) {
    // Ours already say what was wrong: a bad schema, a converter not loaded yet (off Node) or not
    // in the app's bundle (MissingDependencyError).
    if (GemloopError.isInstance(error)) throw error;
    throw new InvalidArgumentError({
      argument: 'output',
      message: `The output schema cannot be converted to JSON Schema: ${describeConversionFailure(output, error, 'The answer arrives as JSON, so every field must be a JSON type.')}`,
      cause: error,
    });
  }
  // zod's parse writes a field named `__proto__` by assignment, which sets the answer's prototype
  // and drops the field its schema requires (as for a tool's parameters, attack68b).
  const proto =
    isZodV4Schema(output) || isZodV3Schema(output) ? findProtoProperty(converted) : undefined;
  if (proto !== undefined) {
    throw new InvalidArgumentError({
      argument: 'output',
      message: `The output schema has a field named "__proto__" (${formatPath(proto)}): zod's parse drops it, so the answer would never hold it. Rename the field.`,
    });
  }
  // The answer meets the schema's patterns only once the analysis passed them (see defineTool).
  const checking = checkSchemaPatterns(converted, undefined, isZodV4Schema(output), output);
  return {
    jsonSchema: cleaned,
    parse: async (text) => {
      await checking;
      return parseOutput<Output>(output, text);
    },
  };
}

async function parseOutput<Output>(
  schema: OutputSchema<Output>,
  text: string,
): Promise<{ success: true; value: Output } | { success: false; issues: OutputIssue[] }> {
  let value: unknown;
  try {
    value = JSON.parse(stripCodeFence(text));
  } catch (error) {
    return {
      success: false,
      issues: [
        {
          path: [],
          message: `The answer is not valid JSON (${error instanceof Error ? error.message : String(error)})`,
        },
      ],
    };
  }
  if (!isStandardSchema(schema)) {
    // zod 3 before 3.24 has no `~standard`.
    const result = (schema as unknown as ZodV3SchemaLike).safeParse(value) as
      | { success: true; data: Output }
      | { success: false; error: { issues: { path: (string | number)[]; message: string }[] } };
    return result.success
      ? { success: true, value: result.data }
      : {
          success: false,
          issues: result.error.issues.map(({ path, message }) => ({ path: [...path], message })),
        };
  }
  const result = await schema['~standard'].validate(value);
  if (result.issues === undefined) return { success: true, value: result.value as Output };
  return {
    success: false,
    issues: result.issues.map((issue) => ({
      path: (issue.path ?? []).map((segment) => {
        const key = typeof segment === 'object' ? segment.key : segment;
        return typeof key === 'number' ? key : String(key);
      }),
      message: issue.message,
    })),
  };
}

/**
 * A model not in JSON mode may wrap JSON in a Markdown fence: its tag in any case (```JSON), and
 * on one line too (```json {...}```).
 */
function stripCodeFence(text: string): string {
  const trimmed = text.trim();
  const match = /^```(?:json)?[ \t]*(?:\r?\n)?([\s\S]*?)\s*```$/i.exec(trimmed);
  return match === null ? trimmed : (match[1] as string);
}
