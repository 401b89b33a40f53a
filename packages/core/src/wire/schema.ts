import type { OpenString } from './open-string.ts';

/** A JSON Schema document, sent verbatim (`parametersJsonSchema`, `responseJsonSchema`). */
export type JsonSchema = { [keyword: string]: unknown } | boolean;

/** The type names of the OpenAPI-subset {@link Schema}. The API accepts them in any case. */
export type SchemaType = OpenString<
  'TYPE_UNSPECIFIED' | 'STRING' | 'NUMBER' | 'INTEGER' | 'BOOLEAN' | 'ARRAY' | 'OBJECT' | 'NULL'
>;

/**
 * The OpenAPI 3.0 subset Gemini takes in `FunctionDeclaration.parameters` and
 * `generationConfig.responseSchema`. Any key not listed here is a 400 (`Unknown name ...`), which
 * is why gemloop sends `parametersJsonSchema` by default.
 */
export type Schema = {
  type?: SchemaType | undefined;
  format?: string | undefined;
  title?: string | undefined;
  description?: string | undefined;
  nullable?: boolean | undefined;
  /** String values only. */
  enum?: string[] | undefined;
  items?: Schema | undefined;
  minItems?: string | number | undefined;
  maxItems?: string | number | undefined;
  minLength?: string | number | undefined;
  maxLength?: string | number | undefined;
  pattern?: string | undefined;
  minimum?: number | undefined;
  maximum?: number | undefined;
  properties?: Record<string, Schema> | undefined;
  required?: string[] | undefined;
  minProperties?: string | number | undefined;
  maxProperties?: string | number | undefined;
  propertyOrdering?: string[] | undefined;
  anyOf?: Schema[] | undefined;
  default?: unknown;
  example?: unknown;
};
