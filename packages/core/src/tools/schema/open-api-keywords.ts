import { setOwnKey } from '../../shared/set-own-key.ts';
import type { Schema } from '../../wire/schema.ts';
import type { SchemaPath } from './schema-warning.ts';

// The per-keyword rules of `toOpenApiSchema` (see its TSDoc for the sources), split out to keep
// each file readable. `convertChild` is `toOpenApiSchema`'s own recursion.

type Node = Record<string, unknown>;

/** Reports one loss. @internal */
export type Warn = (path: SchemaPath, keyword: string, message: string) => void;

/** Converts a sub-schema. @internal */
export type ConvertChild = (input: unknown, path: SchemaPath) => Schema;

// Formats the subset documents (Gemini `Schema.format`: float/double, int32/int64, enum/date-time).
// Others have been rejected in the past ("only 'enum' and 'date-time' are supported for STRING
// type"); newer API versions accept any value but ignore it, so they go to the description.
const supportedFormats: Record<string, string[]> = {
  STRING: ['enum', 'date-time'],
  NUMBER: ['float', 'double'],
  INTEGER: ['int32', 'int64'],
};

/** `enum`/`const`: string values as they are, others listed in the description. @internal */
export function convertEnum(
  node: Node,
  type: string,
  path: SchemaPath,
  warn: Warn,
  out: Schema,
  notes: string[],
): void {
  let values: unknown[] | undefined;
  if ('const' in node) {
    // A string const as a one-value enum says exactly the same, so it is not reported (it would
    // make strictSchema refuse every discriminated union).
    values = [node['const']];
  } else if (Array.isArray(node['enum'])) {
    values = node['enum'].filter((value) => value !== null);
    if (values.length < node['enum'].length) out.nullable = true;
  }
  if (values === undefined) return;
  if (type === 'STRING' && values.every((value) => typeof value === 'string')) {
    out.enum = values as string[];
    return;
  }
  const allowed = values.map((value) => JSON.stringify(value)).join(', ');
  notes.push(`Allowed values: ${allowed}.`);
  warn(
    path,
    'const' in node ? 'const' : 'enum',
    `the subset only takes string enums; the allowed values (${allowed}) are listed in the description instead`,
  );
}

/** `format`: the documented ones kept, others stated in the description. @internal */
export function convertFormat(
  node: Node,
  type: string,
  path: SchemaPath,
  warn: Warn,
  out: Schema,
  notes: string[],
): void {
  const format = node['format'];
  if (typeof format !== 'string') return;
  if (supportedFormats[type]?.includes(format)) {
    out.format = format;
    return;
  }
  notes.push(`Format: ${format}.`);
  warn(
    path,
    'format',
    `format "${format}" is not one Gemini's subset documents for ${type}; it is stated in the description`,
  );
}

/** `properties`, `required` and what the subset cannot say about keys. @internal */
export function convertObject(
  node: Node,
  path: SchemaPath,
  warn: Warn,
  out: Schema,
  convertChild: ConvertChild,
): void {
  const declared = isNode(node['properties']) ? node['properties'] : {};
  // A property no value fits (`z.never().optional()`, `false`) is left out: the model must not
  // send it, and the subset has no way to say so.
  const properties: Node = {};
  for (const [name, property] of Object.entries(declared)) {
    if (acceptsNothing(property)) {
      warn(
        [...path, 'properties', name],
        'not',
        'no value is allowed here; the property is left out',
      );
    } else {
      setOwnKey(properties, name, property);
    }
  }
  const names = Object.keys(properties);
  if (names.length > 0) {
    out.properties = {};
    for (const name of names) {
      setOwnKey(
        out.properties,
        name,
        convertChild(properties[name], [...path, 'properties', name]),
      );
    }
  }
  if (Array.isArray(node['required'])) {
    const required = node['required'].filter(
      (name): name is string => typeof name === 'string' && Object.hasOwn(properties, name),
    );
    if (required.length < node['required'].length) {
      warn(
        path,
        'required',
        'required names without a declared property are dropped (Gemini rejects them)',
      );
    }
    if (required.length > 0) out.required = required;
  }
  copy(node, out, ['minProperties', 'maxProperties']);
  if (Array.isArray(node['propertyOrdering']))
    out.propertyOrdering = node['propertyOrdering'] as string[];
  const additional = node['additionalProperties'];
  if (additional !== undefined && additional !== false) {
    warn(
      path,
      'additionalProperties',
      names.length === 0
        ? 'a record (an object with any keys) cannot be described in the subset: the model may send any keys, and is not told the value type'
        : 'additionalProperties is dropped: the model is not told which extra keys are allowed',
    );
  }
  if (node['patternProperties'] !== undefined) {
    warn(path, 'patternProperties', 'patternProperties is dropped: the model may send any keys');
  }
  const propertyNames = node['propertyNames'];
  if (
    isNode(propertyNames) &&
    !(propertyNames['type'] === 'string' && Object.keys(propertyNames).length === 1)
  ) {
    warn(
      path,
      'propertyNames',
      'propertyNames is dropped: the model is not told which keys are allowed',
    );
  }
  dropWithWarning(node, path, warn, [
    'dependentRequired',
    'dependentSchemas',
    'unevaluatedProperties',
  ]);
}

/** `items`, tuples widened, and the array keywords the subset lacks. @internal */
export function convertArray(
  node: Node,
  path: SchemaPath,
  warn: Warn,
  out: Schema,
  convertChild: ConvertChild,
): void {
  // Tuples: `prefixItems` (2020-12) or an `items` array (draft-07).
  const tuple = Array.isArray(node['prefixItems'])
    ? node['prefixItems']
    : Array.isArray(node['items'])
      ? node['items']
      : undefined;
  const tupleKey = Array.isArray(node['prefixItems']) ? 'prefixItems' : 'items';
  if (tuple !== undefined) {
    const rest = tupleKey === 'prefixItems' ? node['items'] : node['additionalItems'];
    const members = rest !== undefined && rest !== false ? [...tuple, rest] : [...tuple];
    const unique = members.filter(
      (member, index) =>
        members.findIndex((other) => JSON.stringify(other) === JSON.stringify(member)) === index,
    );
    const converted = unique.map((member, index) =>
      convertChild(member, [...path, tupleKey, index]),
    );
    out.items = converted.length === 1 ? converted[0]! : { anyOf: converted };
    out.minItems = typeof node['minItems'] === 'number' ? node['minItems'] : tuple.length;
    if (rest === undefined || rest === false)
      out.maxItems = typeof node['maxItems'] === 'number' ? node['maxItems'] : tuple.length;
    warn(
      path,
      tupleKey,
      'a tuple (an item type per position) is sent as an array whose items may be any of the position types, with its length pinned',
    );
  } else {
    const items = node['items'];
    out.items = convertChild(items, [...path, 'items']);
  }
  if (out.minItems === undefined) copy(node, out, ['minItems']);
  if (out.maxItems === undefined) copy(node, out, ['maxItems']);
  dropWithWarning(node, path, warn, [
    'uniqueItems',
    'contains',
    'minContains',
    'maxContains',
    'unevaluatedItems',
  ]);
}

/** Exclusive bounds as inclusive ones (exact for integers). @internal */
export function convertExclusiveBounds(
  node: Node,
  type: string,
  path: SchemaPath,
  warn: Warn,
  out: Schema,
): void {
  for (const [exclusiveKey, inclusiveKey, direction] of [
    ['exclusiveMinimum', 'minimum', 1],
    ['exclusiveMaximum', 'maximum', -1],
  ] as const) {
    const exclusive = node[exclusiveKey];
    const bound =
      typeof exclusive === 'number'
        ? exclusive
        : exclusive === true
          ? node[inclusiveKey]
          : undefined;
    if (typeof bound !== 'number') continue;
    if (type === 'INTEGER') {
      out[inclusiveKey] = direction === 1 ? Math.floor(bound) + 1 : Math.ceil(bound) - 1;
    } else {
      out[inclusiveKey] = bound;
      warn(
        path,
        exclusiveKey,
        `${exclusiveKey} ${bound} is sent as the inclusive ${inclusiveKey}: the model may send exactly ${bound}`,
      );
    }
  }
  // zod's `.int()` safe-integer bounds are noise for the model.
  if (out.minimum === -Number.MAX_SAFE_INTEGER) delete out.minimum;
  if (out.maximum === Number.MAX_SAFE_INTEGER) delete out.maximum;
}

/** Reports each present keyword of `keys` as dropped. @internal */
export function dropWithWarning(node: Node, path: SchemaPath, warn: Warn, keys: string[]): void {
  for (const key of keys) {
    if (node[key] === undefined || (key === 'uniqueItems' && node[key] === false)) continue;
    warn(path, key, `"${key}" cannot be expressed in the subset and is dropped`);
  }
}

/** Copies the present keywords of `keys` as they are. @internal */
export function copy(node: Node, out: Schema, keys: (keyof Schema & string)[]): void {
  for (const key of keys) {
    const value = node[key];
    if (value !== undefined) (out as Record<string, unknown>)[key] = value;
  }
}

/** Whether `value` is a schema object. @internal */
export function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `false`, `{ not: {} }` or `{ not: true }`: a schema no value fits. */
function acceptsNothing(schema: unknown): boolean {
  if (schema === false) return true;
  if (!isNode(schema)) return false;
  const not = schema['not'];
  return not === true || (isNode(not) && Object.keys(not).length === 0);
}
