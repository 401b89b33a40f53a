import { setOwnKey } from '../shared/set-own-key.ts';

// A gateway's answer in the proto field names (`usage_metadata`, `next_page_token`, ...) read in
// the lowerCamelCase names the API answers with (proto3 JSON makes them one message,
// gemini-wire.md section 1). Loaded only with the first such answer (`import()`), by the model
// call's readers (to-camel-case.ts) and by the other endpoints' checks (read-snake-case.ts): an
// app whose API answers in camelCase never loads it.

/**
 * Fields whose value is the caller's data, kept as spelled wherever they occur: a call's `args`
 * (`google.protobuf.Struct`) and the JSON Schemas and values a cached content's tools carry.
 */
const DATA_FIELDS: ReadonlySet<string> = new Set([
  'args',
  'parametersJsonSchema',
  'responseJsonSchema',
  'example',
  'default',
]);

/**
 * The parents under which an item's `metadata` is the caller's `Struct` (an inlined batch
 * request's or answer's key), not a message of the API's.
 */
const DATA_METADATA_PARENTS: ReadonlySet<string> = new Set(['inlinedResponses', 'requests']);

/**
 * The parents whose `response` is a message of the API's (a batch's answer, an operation's
 * result), renamed; elsewhere `response` is a function's `Struct`, kept.
 */
const MESSAGE_RESPONSE_PARENTS: ReadonlySet<string> = new Set(['', 'inlinedResponses']);

/**
 * `value` with every key that has an inner `_` renamed to lowerCamelCase, at every depth but
 * inside the caller's data: a call's `args`, a function's `response` (not a batch's or an
 * operation's), an inlined batch item's `metadata`, a schema's `properties` names (their schemas
 * are renamed) and JSON Schema values. A key set in camelCase too keeps its camelCase value.
 * `parent` is the (renamed) key holding `value`; an array passes its own on to its items.
 * @internal
 */
export function renameToCamelCase(value: unknown, parent = ''): unknown {
  if (Array.isArray(value)) return value.map((item) => renameToCamelCase(item, parent));
  if (typeof value !== 'object' || value === null) return value;
  const source = value as Record<string, unknown>;
  const target: Record<string, unknown> = {};
  for (const key in source) {
    // A `properties` map's keys are a schema's property names: data, kept as spelled.
    const name = parent === 'properties' ? key : toCamelCase(key);
    if (name !== key && Object.hasOwn(source, name) && source[name] != null) continue;
    const field = source[key];
    setOwnKey(target, name, isData(name, parent) ? field : renameToCamelCase(field, name));
  }
  return target;
}

function toCamelCase(key: string): string {
  // An `_` after a letter or digit only: a leading one (`__proto__`) is no word break.
  return key.replace(/(?<=[a-z0-9])_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
}

function isData(name: string, parent: string): boolean {
  if (DATA_FIELDS.has(name)) return true;
  if (name === 'response') return !MESSAGE_RESPONSE_PARENTS.has(parent);
  return name === 'metadata' && DATA_METADATA_PARENTS.has(parent);
}
