import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';

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
 * parameters: `type: 'object'` (alone or in a type list) or, without a `type`, `properties`.
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
  const { type, properties } = schema as Record<string, unknown>;
  const isObject =
    type === 'object' ||
    (Array.isArray(type) && type.includes('object')) ||
    (type === undefined && typeof properties === 'object' && properties !== null);
  if (!isObject) {
    const found =
      type !== undefined
        ? `type ${JSON.stringify(type)}`
        : Object.keys(schema).length === 0
          ? 'an empty schema'
          : `a schema with ${Object.keys(schema)
              .filter((key) => !key.startsWith('$'))
              .slice(0, 3)
              .join(', ')}`;
    throw new InvalidArgumentError({
      argument,
      message: `${subject} must describe an object of named parameters (type "object" with properties), got ${found}. Gemini passes arguments as one JSON object; wrap other types in a property, e.g. { type: "object", properties: { value: <your schema> } } or z.object({ value: <your schema> }).`,
    });
  }
}
