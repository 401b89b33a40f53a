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

/** A copy still to fill: `source`'s keys (or items) go into `target`, read under `parent`. */
interface Pending {
  readonly source: unknown;
  readonly parent: string;
  readonly target: Record<string, unknown> | unknown[];
}

/**
 * `value` with every key that has an inner `_` renamed to lowerCamelCase, at every depth but
 * inside the caller's data: a call's `args`, a function's `response` (not a batch's or an
 * operation's), an inlined batch item's `metadata`, a schema's `properties` names (their schemas
 * are renamed) and JSON Schema values. A key set in camelCase too keeps its camelCase value.
 * `parent` is the (renamed) key holding `value`; an array passes its own on to its items.
 *
 * Iterative (a list of copies still to fill, not the call stack): a gateway's answer is hostile
 * bytes, and 300,000 levels of `[[[…]]]` (600 KB, under every size cap, parsed by V8) overflowed
 * the recursive walk into "Maximum call stack size exceeded", read as an unreachable gateway
 * (deep47). Any depth JSON.parse took is renamed; the parse after it keeps what it knows.
 * @internal
 */
export function renameToCamelCase(value: unknown, parent = ''): unknown {
  const pending: Pending[] = [];
  const copy = placeholder(value, parent, pending);
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) fill(next, pending);
  return copy;
}

/** `value` itself when it is no object, else an empty copy queued to be filled. */
function placeholder(value: unknown, parent: string, pending: Pending[]): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const target = Array.isArray(value) ? [] : {};
  pending.push({ source: value, parent, target });
  return target;
}

function fill({ source, parent, target }: Pending, pending: Pending[]): void {
  if (Array.isArray(target)) {
    // An array passes its own parent on to its items.
    for (const item of source as unknown[]) target.push(placeholder(item, parent, pending));
    return;
  }
  const record = source as Record<string, unknown>;
  for (const key in record) {
    // A `properties` map's keys are a schema's property names: data, kept as spelled.
    const name = parent === 'properties' ? key : toCamelCase(key);
    if (name !== key && Object.hasOwn(record, name) && record[name] != null) continue;
    const field = record[key];
    setOwnKey(target, name, isData(name, parent) ? field : placeholder(field, name, pending));
  }
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
