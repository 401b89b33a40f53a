import { isJsonObject, jsonPointerKey } from '@gemloop/core/internal';
import type { FunctionDeclaration } from '@gemloop/core/wire';

/** One parameter of a declared function, read from `parameters` or `parametersJsonSchema`. @internal */
export type DemoParameter = {
  name: string;
  /** Lower-case JSON type: `string`, `number`, `integer`, `boolean`, `array`, `object`. */
  type: string;
  required: boolean;
  description: string;
  enumValues: string[] | undefined;
  /** The schema of array items. */
  items: Record<string, unknown> | undefined;
  /**
   * The parameter's schema, its `$ref` followed, with the root's definitions beside it so the
   * `$ref`s inside still resolve: what a value the extractor cannot read from text is built from.
   */
  schema: Record<string, unknown>;
};

/** The parameters of a declaration, in declaration order. @internal */
export function readParameters(declaration: FunctionDeclaration): DemoParameter[] {
  // A root that is itself a `$ref` ({ $ref: '#/definitions/Order', definitions }, as
  // zod-to-json-schema writes a named schema) keeps its definitions at the root: every `$ref`
  // below resolves against the root, not against the definition it led to.
  const root = declaration.parametersJsonSchema ?? declaration.parameters;
  const schema = resolveRef(root, root);
  if (!isJsonObject(schema) || !isJsonObject(schema['properties'])) return [];
  const definitions: Record<string, unknown> = isJsonObject(root) ? root : schema;
  const required = new Set(
    Array.isArray(schema['required']) ? (schema['required'] as unknown[]) : [],
  );
  const parameters: DemoParameter[] = [];
  for (const [name, raw] of Object.entries(schema['properties'])) {
    const property = resolveRef(definitions, raw);
    if (!isJsonObject(property)) continue;
    const enumValues = Array.isArray(property['enum'])
      ? property['enum'].filter((value): value is string => typeof value === 'string')
      : undefined;
    parameters.push({
      name,
      type: schemaType(property),
      required: required.has(name),
      description: typeof property['description'] === 'string' ? property['description'] : '',
      enumValues: enumValues !== undefined && enumValues.length > 0 ? enumValues : undefined,
      items: isJsonObject(property['items']) ? property['items'] : undefined,
      schema: { $defs: definitions['$defs'], definitions: definitions['definitions'], ...property },
    });
  }
  return parameters;
}

/** How deep `schemaType` follows nested `anyOf`/`oneOf`: a declaration is the client's bytes. */
const MAX_SCHEMA_DEPTH = 32;

/** The lower-case type of a schema node: handles `["string","null"]`, `anyOf`, OpenAPI `STRING`. @internal */
export function schemaType(schema: Record<string, unknown>, depth = 0): string {
  const type = schema['type'];
  if (typeof type === 'string') return type.toLowerCase();
  if (Array.isArray(type)) {
    const first = type.find((entry) => typeof entry === 'string' && entry.toLowerCase() !== 'null');
    if (typeof first === 'string') return first.toLowerCase();
  }
  const options = schema['anyOf'] ?? schema['oneOf'] ?? schema['any_of'];
  if (Array.isArray(options) && depth < MAX_SCHEMA_DEPTH) {
    for (const option of options) {
      // Read once: reading an option twice doubled the work at each level of nesting, so 40
      // nested anyOf took 2^40 steps and hung the demo model.
      const type = isJsonObject(option) ? schemaType(option, depth + 1) : 'null';
      if (type !== 'null') return type;
    }
  }
  if (Array.isArray(schema['enum']))
    return typeof schema['enum'][0] === 'number' ? 'number' : 'string';
  if (schema['const'] !== undefined) return typeof schema['const'];
  if (isJsonObject(schema['properties'])) return 'object';
  if (schema['items'] !== undefined) return 'array';
  return 'string';
}

/** Follows a local `$ref` (`#/$defs/X`, `#/definitions/X`) against the root schema. @internal */
export function resolveRef(root: unknown, node: unknown, depth = 0): unknown {
  if (!isJsonObject(node) || typeof node['$ref'] !== 'string' || depth > 16) return node;
  const path = node['$ref'].replace(/^#\/?/, '').split('/').filter(Boolean);
  let target: unknown = root;
  for (const segment of path) {
    const key = isJsonObject(target) ? jsonPointerKey(target, segment) : undefined;
    target = key === undefined ? undefined : (target as Record<string, unknown>)[key];
  }
  return resolveRef(root, target, depth + 1);
}
