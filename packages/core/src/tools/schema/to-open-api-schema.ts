import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import type { Schema } from '../../wire/schema.ts';
import { jsonTypeOf } from './clean-json-schema.ts';
import { formatPath, inlineRefs } from './inline-refs.ts';
import { mergeAllOf } from './merge-all-of.ts';
import type { Warn } from './open-api-keywords.ts';
import {
  convertArray,
  convertEnum,
  convertExclusiveBounds,
  convertFormat,
  convertObject,
  copy,
  dropWithWarning,
  isNode,
} from './open-api-keywords.ts';
import type { SchemaPath, SchemaWarning } from './schema-warning.ts';

type Node = Record<string, unknown>;

/** What {@link toOpenApiSchema} returns. */
export type ToOpenApiSchemaResult = {
  /** `undefined` for an object without properties: send no `parameters` at all. */
  schema: Schema | undefined;
  warnings: SchemaWarning[];
};

/** The keys of Gemini's OpenAPI-subset `Schema` (wire doc §4, js-genai `Schema`). Nothing else is sent. */
export const OPEN_API_SCHEMA_KEYS: readonly string[] = [
  'type',
  'format',
  'title',
  'description',
  'nullable',
  'enum',
  'items',
  'minItems',
  'maxItems',
  'minLength',
  'maxLength',
  'pattern',
  'minimum',
  'maximum',
  'properties',
  'required',
  'minProperties',
  'maxProperties',
  'propertyOrdering',
  'anyOf',
  'default',
  'example',
];

// Annotations with no meaning for the model or already used; dropped without a warning.
const silentlyDropped = new Set([
  'title', // googleapis/python-genai#1732: titles in nested schemas break function calling
  '$schema',
  '$id',
  '$anchor',
  '$comment',
  '$defs',
  'definitions',
  'readOnly',
  'writeOnly',
  'deprecated',
  'discriminator',
  'examples', // becomes `example`
]);

/**
 * Converts a JSON Schema to Gemini's OpenAPI 3.0 subset (`FunctionDeclaration.parameters`), and
 * reports, with the JSON path, what the subset cannot say and what was done instead. The output
 * only ever contains `OPEN_API_SCHEMA_KEYS`. The rules follow the recorded 400s (wire doc §4)
 * and pydantic-ai's `GoogleOpenAPISchemaTransformer`:
 *
 * - `$ref`/`$defs` are inlined; a recursive `$ref` cannot be expressed at all: InvalidArgumentError.
 * - `additionalProperties` (a 400 in `parameters`) is dropped; records (`additionalProperties` with a
 *   schema, `patternProperties`) lose their value schema: the model may send any keys. `false` is
 *   dropped silently (zod 3 adds it to every object).
 * - `const` becomes a one-value `enum` (not reported: it is exact for strings); enums of non-strings (the subset only takes strings) keep
 *   their type and list the values in the description, since a stringified `"1"` would then fail
 *   validation against the real schema.
 * - `oneOf` becomes `anyOf` ("Gemini rejects `oneOf` outright", pydantic-ai); `anyOf [X, null]` and
 *   type lists with `null` become `nullable: true`; other type lists become `anyOf`.
 * - A schema of any value (`{}`, `z.unknown()`) is `anyOf` string, number, boolean, object (a
 *   property without `type` or `anyOf` is a 400); a property no value fits is left out.
 * - `allOf` is merged into one schema.
 * - `prefixItems` (tuples) widen to `items: { anyOf }` with `minItems`/`maxItems` pinned.
 * - `exclusiveMinimum`/`exclusiveMaximum` become `minimum`/`maximum` (exact for integers).
 * - `format`s outside the documented list go to the description; `multipleOf`, `uniqueItems`,
 *   `not`, `if`/`then`/`else`, `contains`, `dependent*` are dropped.
 * - `properties` is omitted when empty ("should be non-empty for OBJECT type", vercel/ai#3371),
 *   `required` keeps only declared properties, arrays always get `items` ("items: missing field",
 *   jackmusick/bifrost#225), types are upper case as in the API's `Type` enum.
 *
 * Every dropped constraint is still enforced by `parseArgs`, against the original schema.
 *
 * @throws {@link InvalidArgumentError} for recursive schemas and unresolvable `$ref`s.
 */
export function toOpenApiSchema(
  jsonSchema: Node,
  { toolName }: { toolName?: string | undefined } = {},
): ToOpenApiSchemaResult {
  const subject =
    toolName === undefined ? 'The schema' : `The parameters schema of tool "${toolName}"`;
  let inlined: Node;
  try {
    const result = inlineRefs(jsonSchema);
    const recursive = result.recursiveRefs[0];
    if (recursive !== undefined) {
      throw new InvalidArgumentError({
        argument: 'parameters',
        message: `${subject} is recursive at ${formatPath(recursive.path)} ($ref ${JSON.stringify(recursive.ref)}): Gemini's OpenAPI subset (schemaFormat 'openapi') cannot express a type that contains itself. Use schemaFormat 'json-schema' (the default), or a schema with a fixed depth.`,
      });
    }
    inlined = result.schema;
  } catch (error) {
    if (InvalidArgumentError.isInstance(error)) throw error;
    throw new InvalidArgumentError({
      argument: 'parameters',
      message: `${subject} cannot be converted: ${error instanceof Error ? error.message : String(error)}.`,
      cause: error,
    });
  }
  const warnings: SchemaWarning[] = [];
  const warn = (path: SchemaPath, keyword: string, message: string): void => {
    warnings.push({ path, keyword, message });
  };
  const schema = convert(inlined, [], warn);
  // Arguments always arrive as one object: a nullable root (`['object', 'null']`) is an object.
  if (schema.type === 'OBJECT') delete schema.nullable;
  if (schema.type === 'OBJECT' && schema.properties === undefined) {
    return { schema: undefined, warnings };
  }
  return { schema, warnings };
}

function convert(input: unknown, path: SchemaPath, warn: Warn): Schema {
  if (input === true || input === undefined) return anyValue(path, warn);
  if (input === false || typeof input !== 'object' || input === null) {
    warn(path, 'not', 'this schema accepts nothing; sent without constraints');
    return anyValue(path, () => {});
  }
  let node = input as Node;
  if (Array.isArray(node['allOf'])) node = mergeAllOf(node, path, warn);

  const out: Schema = {};
  const description = typeof node['description'] === 'string' ? node['description'] : undefined;
  const notes: string[] = [];

  // Unions first: `oneOf` is read as `anyOf`, and null members become `nullable`.
  let union = Array.isArray(node['anyOf']) ? (node['anyOf'] as unknown[]) : undefined;
  if (Array.isArray(node['oneOf'])) {
    warn(
      path,
      'oneOf',
      'oneOf is sent as anyOf: the model is not told that exactly one must match',
    );
    union = [...(union ?? []), ...(node['oneOf'] as unknown[])];
  }
  let nullable = false;
  if (union !== undefined) {
    const members = union.filter((member) => !isNullSchema(member));
    nullable = members.length < union.length;
    const key = Array.isArray(node['anyOf']) ? 'anyOf' : 'oneOf';
    if (members.length === 1) {
      const { anyOf: _anyOf, oneOf: _oneOf, ...rest } = node;
      const merged = convert({ ...(members[0] as Node), ...rest }, path, warn);
      if (nullable) merged.nullable = true;
      return merged;
    }
    if (members.length > 1) {
      out.anyOf = members.map((member, index) => convert(member, [...path, key, index], warn));
    }
  }

  let types = typeList(node, path, warn);
  if (types.includes('null')) {
    nullable = true;
    types = types.filter((type) => type !== 'null');
  }
  if (types.length > 1) {
    // Each branch takes only the keywords of its type (minLength for STRING, minimum for NUMBER...).
    out.anyOf = types.map((type, index) =>
      convertTyped({ ...node, type }, type, [...path, 'type', index], warn, notes),
    );
  } else if (types.length === 1) {
    Object.assign(out, convertTyped(node, types[0]!, path, warn, notes));
  } else if (out.anyOf === undefined) {
    if (nullable) out.type = 'NULL';
    else out.anyOf = anyValue(path, warn).anyOf;
  }
  if (nullable) out.nullable = true;

  // A Set: each branch of a type list adds the same note ("Allowed values: ...").
  const fullDescription = [...new Set([description, ...notes])].filter(Boolean).join(' ');
  if (fullDescription !== '') out.description = fullDescription;
  if ('default' in node) out.default = node['default'];
  const examples = node['examples'];
  if (Array.isArray(examples) && examples.length > 0) out.example = examples[0];
  else if ('example' in node) out.example = node['example'];
  return orderKeys(out);
}

/**
 * What is sent for a schema that allows any JSON value (`{}`, `z.any()`, `z.unknown()`): the subset
 * has no "any" type, and Gemini refuses a property without `type` or `anyOf` ("properties[x].type:
 * must be specified when not using one_of, any_of or all_of fields", LibreChat#6971), so each
 * tool call failed with a 400. Any of the scalar types or an object is the widest the subset can
 * say without an array's item type, which would be a guess; `parseArgs` still takes any value.
 */
function anyValue(path: SchemaPath, warn: Warn): Schema {
  warn(
    path,
    'type',
    'any JSON value is allowed here; the subset has no "any" type and Gemini refuses a property without one, so it is sent as any of a string, number, boolean or object (the model is not told it may send an array)',
  );
  return {
    anyOf: [{ type: 'STRING' }, { type: 'NUMBER' }, { type: 'BOOLEAN' }, { type: 'OBJECT' }],
  };
}

/** The JSON types a node allows, inferred from its shape when `type` is absent. */
function typeList(node: Node, path: SchemaPath, warn: Warn): string[] {
  const type = node['type'];
  if (typeof type === 'string') return [type];
  if (Array.isArray(type))
    return type.filter((entry): entry is string => typeof entry === 'string');
  if ('const' in node) return [jsonTypeOf(node['const']) ?? 'string'];
  if (Array.isArray(node['enum'])) {
    const kinds = new Set(
      node['enum'].map((value) => jsonTypeOf(value)).filter((kind) => kind !== 'null'),
    );
    if (kinds.size === 1) return [...kinds] as string[];
    if (kinds.size > 1) {
      warn(
        path,
        'enum',
        'an enum of mixed types has no type in the subset; its values are listed in the description',
      );
      // A branch per type: `['string']` alone told the model to send `"1"` for the value 1.
      return [...kinds] as string[];
    }
  }
  if (isObjectLike(node)) return ['object'];
  if ('items' in node || 'prefixItems' in node) return ['array'];
  if ('minLength' in node || 'maxLength' in node || 'pattern' in node) return ['string'];
  if ('minimum' in node || 'maximum' in node) return ['number'];
  return [];
}

function convertTyped(
  node: Node,
  jsonType: string,
  path: SchemaPath,
  warn: Warn,
  notes: string[],
): Schema {
  const type = jsonType.toUpperCase();
  const out: Schema = { type };
  convertEnum(node, type, path, warn, out, notes);
  convertFormat(node, type, path, warn, out, notes);
  switch (type) {
    case 'OBJECT':
      convertObject(node, path, warn, out, (child, childPath) => convert(child, childPath, warn));
      break;
    case 'ARRAY':
      convertArray(node, path, warn, out, (child, childPath) => convert(child, childPath, warn));
      break;
    case 'STRING':
      copy(node, out, ['minLength', 'maxLength', 'pattern']);
      dropWithWarning(node, path, warn, ['contentEncoding', 'contentMediaType', 'contentSchema']);
      break;
    case 'NUMBER':
    case 'INTEGER':
      copy(node, out, ['minimum', 'maximum']);
      convertExclusiveBounds(node, type, path, warn, out);
      dropWithWarning(node, path, warn, ['multipleOf']);
      break;
    default:
      break;
  }
  const handled = new Set([
    'type',
    'description',
    'default',
    'example',
    'enum',
    'const',
    'format',
    'anyOf',
    'oneOf',
    'allOf',
    'nullable',
    'properties',
    'required',
    'additionalProperties',
    'patternProperties',
    'propertyNames',
    'minProperties',
    'maxProperties',
    'propertyOrdering',
    'items',
    'prefixItems',
    'additionalItems',
    'minItems',
    'maxItems',
    'minLength',
    'maxLength',
    'pattern',
    'minimum',
    'maximum',
    'exclusiveMinimum',
    'exclusiveMaximum',
    'multipleOf',
    'contentEncoding',
    'contentMediaType',
    'contentSchema',
    'uniqueItems',
    'contains',
    'minContains',
    'maxContains',
    'unevaluatedItems',
    'unevaluatedProperties',
    'dependentRequired',
    'dependentSchemas',
  ]);
  for (const key of Object.keys(node)) {
    if (handled.has(key) || silentlyDropped.has(key) || key.startsWith('x-')) continue;
    warn(path, key, `"${key}" is not part of Gemini's schema subset and is dropped`);
  }
  return out;
}

function isNullSchema(value: unknown): boolean {
  if (!isNode(value)) return false;
  return (
    value['type'] === 'null' ||
    ('const' in value && value['const'] === null) ||
    (Array.isArray(value['enum']) && value['enum'].length === 1 && value['enum'][0] === null)
  );
}

function isObjectLike(node: Node): boolean {
  return (
    'properties' in node ||
    'additionalProperties' in node ||
    'patternProperties' in node ||
    'required' in node
  );
}

/** Keys in the subset's order: stable output whatever order the input schema used. */
function orderKeys(schema: Schema): Schema {
  const ordered: Record<string, unknown> = {};
  for (const key of OPEN_API_SCHEMA_KEYS) {
    const value = (schema as Record<string, unknown>)[key];
    if (value !== undefined) ordered[key] = value;
  }
  return ordered as Schema;
}
