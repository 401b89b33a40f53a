import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { jsonPointerKey } from './inline-refs.ts';

declare const argumentsType: unique symbol;

/**
 * A plain JSON Schema given as tool parameters, carrying the TypeScript type of the arguments it
 * describes (a type only: nothing is added at runtime). Made by {@link jsonSchema}.
 */
export type JsonSchemaParameters<Args = Record<string, unknown>> = {
  readonly [keyword: string]: unknown;
  readonly [argumentsType]?: Args;
};

/**
 * Marks a plain JSON Schema with the type of the arguments it describes, so `defineTool` types
 * `execute`'s `args` with it. gemloop cannot check that the type and the schema agree: `parseArgs`
 * validates against the schema.
 *
 * @example
 * defineTool({
 *   name: 'get_weather',
 *   parameters: jsonSchema<{ city: string }>({
 *     type: 'object',
 *     properties: { city: { type: 'string' } },
 *     required: ['city'],
 *   }),
 *   execute: ({ city }) => lookUp(city), // city: string
 * });
 *
 * @throws {@link InvalidArgumentError} when `schema` is not an object schema.
 */
export function jsonSchema<Args = Record<string, unknown>>(
  schema: Record<string, unknown>,
): JsonSchemaParameters<Args> {
  assertObjectJsonSchema(schema, 'schema');
  return schema as JsonSchemaParameters<Args>;
}

/**
 * Throws unless `schema` describes an object of named parameters, as Gemini requires of function
 * parameters: `type: 'object'` (alone or in a type list) or, without a `type`, `properties`. A
 * `$ref` at the root (zod 4's output for an object with `.meta({ id })`, zod-to-json-schema's
 * when given a name) is judged by the schema it points to: the declaration is sent with its
 * `$ref`s inlined, so that schema is what Gemini reads.
 *
 * @throws {@link InvalidArgumentError}
 */
export function assertObjectJsonSchema(
  schema: unknown,
  argument: string,
  subject = 'A tool parameter schema',
): asserts schema is Record<string, unknown> {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw new InvalidArgumentError({
      argument,
      message: `${subject} must be a zod object schema or a JSON Schema object, got ${Array.isArray(schema) ? 'an array' : schema === null ? 'null' : typeof schema}.`,
    });
  }
  let target = schema as Record<string, unknown>;
  let at = '';
  const ref = target['$ref'];
  if (typeof ref === 'string' && target['type'] === undefined && !target['properties']) {
    let found: unknown = ref.startsWith('#/') ? schema : undefined;
    for (const raw of ref.slice(2).split('/')) {
      const key = jsonPointerKey(found, raw);
      found = key === undefined ? undefined : (found as Record<string, unknown>)[key];
    }
    if (typeof found === 'object' && found !== null) {
      at = ` (at ${ref})`;
      target = found as Record<string, unknown>;
    } else at = ` (its root $ref ${JSON.stringify(ref)} points to nothing in it)`;
  }
  const { type, properties } = target;
  const isObject =
    type === 'object' ||
    (Array.isArray(type) && type.includes('object')) ||
    (type === undefined && typeof properties === 'object' && properties !== null);
  if (!isObject) {
    // `$`-keys (`$schema`, `$defs`) say nothing of the shape.
    const keys = Object.keys(target).filter((key) => !key.startsWith('$'));
    const found =
      type !== undefined
        ? `type ${JSON.stringify(type)}`
        : keys.length === 0
          ? 'an empty schema'
          : `a schema with ${keys.slice(0, 3).join(', ')}`;
    // An `allOf` of objects is one object to write out, not a value to wrap in a property. Not
    // merged here: Gemini documents no `allOf` (js-genai `responseJsonSchema`), the merge is off
    // the loaded path in a browser, and it keeps the first side's value where sides disagree
    // while the validator checks both; refused alike everywhere, with the fix (tools65).
    const fix = Array.isArray(target['allOf'])
      ? "Gemini reads no allOf: write it as one object schema, with every side's properties and required fields"
      : 'Gemini passes arguments as one JSON object; wrap other types in a property, e.g. { type: "object", properties: { value: <your schema> } } or z.object({ value: <your schema> })';
    throw new InvalidArgumentError({
      argument,
      message: `${subject} must describe an object of named parameters (type "object" with properties), got ${found}${at}. ${fix}.`,
    });
  }
}
