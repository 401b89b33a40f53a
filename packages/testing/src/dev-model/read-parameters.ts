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
  const schema = resolveRoot(declaration.parametersJsonSchema ?? declaration.parameters);
  if (!isJsonObject(schema) || !isJsonObject(schema['properties'])) return [];
  const required = new Set(
    Array.isArray(schema['required']) ? (schema['required'] as unknown[]) : [],
  );
  const parameters: DemoParameter[] = [];
  for (const [name, raw] of Object.entries(schema['properties'])) {
    const property = resolveRef(schema, raw);
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
      schema: { $defs: schema['$defs'], definitions: schema['definitions'], ...property },
    });
  }
  return parameters;
}

/** The lower-case type of a schema node: handles `["string","null"]`, `anyOf`, OpenAPI `STRING`. @internal */
export function schemaType(schema: Record<string, unknown>): string {
  const type = schema['type'];
  if (typeof type === 'string') return type.toLowerCase();
  if (Array.isArray(type)) {
    const first = type.find((entry) => typeof entry === 'string' && entry.toLowerCase() !== 'null');
    if (typeof first === 'string') return first.toLowerCase();
  }
  const options = schema['anyOf'] ?? schema['oneOf'] ?? schema['any_of'];
  if (Array.isArray(options)) {
    for (const option of options) {
      if (isJsonObject(option) && schemaType(option) !== 'null') return schemaType(option);
    }
  }
  if (Array.isArray(schema['enum']))
    return typeof schema['enum'][0] === 'number' ? 'number' : 'string';
  if (schema['const'] !== undefined) return typeof schema['const'];
  if (isJsonObject(schema['properties'])) return 'object';
  if (schema['items'] !== undefined) return 'array';
  return 'string';
}

function resolveRoot(schema: unknown): unknown {
  return resolveRef(schema, schema);
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
