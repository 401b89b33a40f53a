import { cutText, isJsonObject } from '@gemloop/core/internal';
import { findPlaces } from './find-places.ts';
import { findNumbers } from './find-values.ts';
import type { Exchange } from './read-loop-exchanges.ts';
import { resolveRef, schemaType } from './read-parameters.ts';

/** What a JSON answer is filled from. @internal */
export type JsonSources = { question: string; exchanges: readonly Exchange[]; summary: string };

/**
 * A JSON value that satisfies `schema` (JSON Schema as in `responseJsonSchema`, or the OpenAPI
 * subset of `responseSchema`): every required property present, types, enums, `const`, array
 * bounds and numeric bounds respected, `$ref` followed. Values come from the tool results when a
 * key matches (exactly, by a common synonym such as `city`/`location`, or by prefix such as
 * `temperature`/`temperatureC`), else from the question, else a neutral default. A list of
 * objects gets one item per tool call, each filled from its own call's arguments and result.
 * @internal
 */
export function buildJsonAnswer(schema: unknown, sources: JsonSources): unknown {
  const facts = new Map<string, unknown>();
  for (const exchange of sources.exchanges) collectFacts(exchange.response, facts, 0);
  for (const exchange of sources.exchanges) collectFacts(exchange.args, facts, 0);
  return build(schema, schema, 'answer', { ...sources, facts, budget: { nodes: MAX_NODES } }, 0);
}

/**
 * Bounds on what one answer builds: the schema is the client's bytes. A recursive type whose
 * every property is required and points back at it fans out at each of the 12 levels (ten such
 * properties: 10^12 values), and `minItems` or `minLength` may ask for a billion; past a bound
 * the answer is cut (`null` for values past the node budget) instead of hanging the model.
 */
const MAX_NODES = 10_000;
const MAX_GENERATED_ITEMS = 1_000;
const MAX_GENERATED_CHARS = 100_000;

/** What the build reads, and the nodes it may still build (shared down the whole build). */
type Context = JsonSources & { facts: Map<string, unknown>; budget: { nodes: number } };

function normalizeKey(key: string): string {
  return key.replace(/[_\s-]/g, '').toLowerCase();
}

const synonyms: readonly (readonly string[])[] = [
  ['city', 'location', 'place', 'town', 'name', 'destination'],
  ['conditions', 'condition', 'description', 'weather', 'sky', 'status'],
  ['temperature', 'temp', 'celsius', 'degrees', 'temperaturec'],
  ['result', 'value', 'answer', 'output', 'total'],
  ['timezone', 'zone', 'tz'],
];

/** The fact for a schema key: same name, a synonym, or a name one starts with ("temp" → "temperatureC"). */
function lookup(facts: Map<string, unknown>, key: string): unknown {
  const wanted = normalizeKey(key);
  if (facts.has(wanted)) return facts.get(wanted);
  const group = synonyms.find((names) => names.includes(wanted));
  for (const name of group ?? []) if (facts.has(name)) return facts.get(name);
  if (wanted.length >= 4) {
    for (const [name, value] of facts) {
      if (name.length >= 4 && (name.startsWith(wanted) || wanted.startsWith(name))) return value;
    }
  }
  return undefined;
}

function collectFacts(value: unknown, facts: Map<string, unknown>, depth: number): void {
  if (depth > 4 || !isJsonObject(value)) return;
  for (const [key, item] of Object.entries(value)) {
    if (!facts.has(normalizeKey(key))) facts.set(normalizeKey(key), item);
    collectFacts(item, facts, depth + 1);
  }
}

function build(
  root: unknown,
  node: unknown,
  key: string,
  context: Context,
  depth: number,
): unknown {
  const schema = resolveRef(root, node);
  if (!isJsonObject(schema) || depth > 12 || context.budget.nodes <= 0) return null;
  context.budget.nodes--;
  if (schema['const'] !== undefined) return schema['const'];
  const options = schema['anyOf'] ?? schema['oneOf'] ?? schema['any_of'];
  if (schema['type'] === undefined && Array.isArray(options)) {
    const option = options.find((entry) => {
      const resolved = resolveRef(root, entry);
      return isJsonObject(resolved) && schemaType(resolved) !== 'null';
    });
    if (option !== undefined) return build(root, option, key, context, depth + 1);
  }
  if (Array.isArray(schema['enum']) && schema['enum'].length > 0) {
    const fact = lookup(context.facts, key);
    return schema['enum'].includes(fact) ? fact : schema['enum'][0];
  }
  const type = schemaType(schema);
  if (type === 'object') return buildObject(root, schema, context, depth);
  if (type === 'array') return buildArray(root, schema, key, context, depth);
  const fact = lookup(context.facts, key);
  if (type === 'number' || type === 'integer') {
    const result = lookup(context.facts, 'result');
    const number =
      typeof fact === 'number'
        ? fact
        : fact === undefined && typeof result === 'number'
          ? result
          : (findNumbers(typeof fact === 'string' ? fact : context.question)[0] ?? 0);
    return clamp(type === 'integer' ? Math.round(number) : number, schema);
  }
  if (type === 'boolean') return typeof fact === 'boolean' ? fact : true;
  if (type === 'null') return null;
  return buildString(schema, key, fact, context);
}

// Below this depth objects get their optional properties and arrays an item; deeper, only
// what the schema requires, so a recursive schema gets a finite value.
const SHALLOW_DEPTH = 4;

function buildObject(
  root: unknown,
  schema: Record<string, unknown>,
  context: Context,
  depth: number,
): Record<string, unknown> {
  const properties = isJsonObject(schema['properties']) ? schema['properties'] : {};
  const required = new Set(Array.isArray(schema['required']) ? schema['required'] : []);
  const object: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(properties)) {
    // Deep down only what is required: a recursive schema (a tree, a linked list) otherwise
    // nested until the depth limit, whose `null` then broke the schema it was meant to satisfy.
    if (depth >= SHALLOW_DEPTH && !required.has(name)) continue;
    object[name] = build(root, property, name, context, depth + 1);
  }
  return object;
}

function buildArray(
  root: unknown,
  schema: Record<string, unknown>,
  key: string,
  context: Context,
  depth: number,
): unknown[] {
  const min = Math.min(
    numberOf(schema['minItems'] ?? schema['min_items']) ?? 0,
    MAX_GENERATED_ITEMS,
  );
  const max = numberOf(schema['maxItems'] ?? schema['max_items']) ?? Number.POSITIVE_INFINITY;
  const items = schema['items'] ?? {};
  const itemSchema = resolveRef(root, items);
  let values: unknown[];
  if (depth >= SHALLOW_DEPTH) {
    values = [];
  } else if (
    isJsonObject(itemSchema) &&
    schemaType(itemSchema) === 'object' &&
    context.exchanges.length > 0
  ) {
    // A list of records: one per tool result, each filled from its own result.
    values = context.exchanges.map((exchange) => {
      const facts = new Map<string, unknown>();
      for (const [name, value] of Object.entries(exchange.args))
        facts.set(normalizeKey(name), value);
      collectFacts(exchange.response, facts, 0);
      return build(root, itemSchema, key, { ...context, facts }, depth + 1);
    });
  } else {
    const fact = lookup(context.facts, key);
    values = Array.isArray(fact)
      ? fact.slice(0, 50).map((item) => {
          // Each item goes through the item schema, so bounds, enums and nesting still hold.
          const facts = new Map<string, unknown>();
          if (isJsonObject(item)) collectFacts(item, facts, 0);
          else facts.set(normalizeKey(singular(key)), item);
          return build(root, itemSchema, singular(key), { ...context, facts }, depth + 1);
        })
      : [build(root, itemSchema, singular(key), context, depth + 1)];
  }
  while (values.length < min)
    values.push(build(root, itemSchema, singular(key), context, depth + 1));
  return values.slice(0, max);
}

function buildString(
  schema: Record<string, unknown>,
  key: string,
  fact: unknown,
  context: Context,
): string {
  let text: string;
  if (typeof fact === 'string') text = fact;
  else if (fact !== undefined && fact !== null && typeof fact !== 'object') text = String(fact);
  else if (/city|location|place|country|region/i.test(key)) {
    text = findPlaces(context.question)[0] ?? 'unknown';
  } else if (/summary|answer|text|description|explanation|message|content|reason/i.test(key)) {
    text = context.summary;
  } else {
    // Cut between characters: half an emoji in a model's JSON is no character.
    text = formatted(schema['format']) ?? cutText(`${key} for: ${context.question}`, 120);
  }
  const minLength = Math.min(
    numberOf(schema['minLength'] ?? schema['min_length']) ?? 0,
    MAX_GENERATED_CHARS,
  );
  const maxLength = numberOf(schema['maxLength'] ?? schema['max_length']);
  // JSON Schema counts characters (code points), not UTF-16 units: "😀" is one, and a cut must
  // not leave half of one.
  let characters = Array.from(text);
  if (characters.length < minLength) {
    characters = characters.concat(new Array<string>(minLength - characters.length).fill('.'));
  }
  if (maxLength !== undefined && characters.length > maxLength) {
    characters = characters.slice(0, maxLength);
  }
  return characters.join('');
}

function formatted(format: unknown): string | undefined {
  switch (format) {
    case 'date':
      return '2026-01-01';
    case 'date-time':
      return '2026-01-01T00:00:00Z';
    case 'email':
      return 'demo@example.com';
    case 'uri':
    case 'url':
      return 'https://example.com';
    default:
      return undefined;
  }
}

function clamp(value: number, schema: Record<string, unknown>): number {
  const minimum = numberOf(schema['minimum']);
  const maximum = numberOf(schema['maximum']);
  let result = value;
  if (minimum !== undefined && result < minimum) result = minimum;
  if (maximum !== undefined && result > maximum) result = maximum;
  return result;
}

function numberOf(value: unknown): number | undefined {
  const number = typeof value === 'string' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) ? number : undefined;
}

function singular(key: string): string {
  return key.endsWith('s') ? key.slice(0, -1) : key;
}
