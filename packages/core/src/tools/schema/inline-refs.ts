import { setOwnKey } from '../../shared/set-own-key.ts';
import {
  DEFINITION_KEYWORDS,
  SUBSCHEMA_KEYWORDS,
  SUBSCHEMA_LIST_KEYWORDS,
  SUBSCHEMA_MAP_KEYWORDS,
} from './json-schema-keywords.ts';
import type { SchemaPath } from './schema-warning.ts';

type Node = Record<string, unknown>;

/**
 * The most levels of objects and lists a schema (a tool's parameters, an `output`) may nest: past
 * it the schema is refused with the place and the fix, before any walk over it overflows the
 * stack (a 20,000-level schema was refused as "Maximum call stack size exceeded", naming nothing).
 * 128 is 64 levels of `properties`, several times what real schemas nest (an OpenAPI document's
 * deepest run to about 10-20), and past what Gemini takes: it reads `parametersJsonSchema` as a
 * protobuf `Struct`, where each JSON object is about three nested messages, and protobuf parsers
 * refuse nesting past 100 messages by default (protocolbuffers/protobuf#6537: a `Struct` 34
 * objects deep no longer parses). Unverified against the live API: no real schema is near it.
 */
export const MAX_SCHEMA_NESTING = 128;

/** What a schema nested past {@link MAX_SCHEMA_NESTING} is told. @internal */
export const SCHEMA_TOO_DEEP: string = `nests deeper than ${MAX_SCHEMA_NESTING} levels of objects and lists (MAX_SCHEMA_NESTING): flatten it, or write a recursive type with "$ref" and "$defs"`;

/** A place in a schema as messages show it: its two ends when long (a deep one filled them). @internal */
export function shortPlace(place: string): string {
  return place.length > 160 ? `${place.slice(0, 60)}…${place.slice(-80)}` : place;
}

/**
 * What {@link inlineRefs} may spend on `$ref`s: each schema it copies for one counts the `$ref`s
 * it is reached through (a `$ref` is copied wherever it is used). Real schemas take a few
 * thousand. Definitions that each use the next twice pass it at 15 levels (14 inline to ~1 MB of
 * declaration, sent with every request; 40 kept `defineTool` copying for hours in a synchronous
 * loop), and so does a chain of about 1,400 `$ref`s in a row (30,000 took 19 s, then overflowed
 * the stack). Each refused in under 0.2 s.
 */
export const MAX_REF_EXPANSION = 1_000_000;

/** What {@link inlineRefs} made of a schema. */
export type InlineRefsResult = {
  schema: Node;
  /**
   * `$ref`s left in place because they are recursive (a type that contains itself), with the path
   * where each was met. Their targets are kept under the root's `$defs`/`definitions`, or stay
   * where the pointer points.
   */
  recursiveRefs: { path: SchemaPath; ref: string }[];
};

/**
 * Replaces every local `$ref` (`#`, `#/$defs/x`, `#/properties/a/items`, ...) by a copy of its
 * target, so the schema reads without pointers; keywords next to a `$ref` (a `description`, say)
 * win over the target's. A `$ref` met again while its own target is being expanded is recursive
 * and cannot be inlined: it stays, and is listed. Definitions no `$ref` needs any more are removed.
 * The input is never modified.
 *
 * The work is bounded by {@link MAX_REF_EXPANSION}: past it, it throws. A `$ref` that comes
 * back to itself before any property or item (`a: { $ref: a }`) is recursive here, and kept; the
 * arguments' validator answers every call with what is wrong with it (`findRefProblem`).
 *
 * @throws Error for a `$ref` whose target does not exist, or past that bound.
 */
export function inlineRefs(root: Node): InlineRefsResult {
  assertAcyclic(root, [], []);
  const recursiveRefs: InlineRefsResult['recursiveRefs'] = [];
  let copies = 0;

  const resolve = (ref: string, path: SchemaPath): unknown => {
    if (ref === '#') return root;
    if (!ref.startsWith('#/')) {
      throw new Error(
        `$ref ${JSON.stringify(ref)} at ${formatPath(path)} is not a local reference`,
      );
    }
    let target: unknown = root;
    for (const raw of ref.slice(2).split('/')) {
      // Own keys only: `#/$defs/constructor` must not find Object's constructor.
      const key = jsonPointerKey(target, raw);
      target = key === undefined ? undefined : (target as Node)[key];
    }
    if (target === undefined) {
      throw new Error(`$ref ${JSON.stringify(ref)} at ${formatPath(path)} points to nothing`);
    }
    return target;
  };

  const walk = (node: unknown, path: SchemaPath, expanding: readonly string[]): unknown => {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return node;
    // A schema copied for a $ref counts the refs it is reached through (a schema without $refs
    // is free: as large as its source): doubling refs end, and so does a long chain of them.
    copies += expanding.length;
    if (copies > MAX_REF_EXPANSION) {
      throw new Error(`its $refs expand past ${MAX_REF_EXPANSION} steps (MAX_REF_EXPANSION)`);
    }
    const schema = node as Node;
    const ref = schema['$ref'];
    if (typeof ref === 'string') {
      if (expanding.includes(ref)) {
        recursiveRefs.push({ path, ref });
        return schema;
      }
      const target = walk(resolve(ref, path), path, [...expanding, ref]);
      const { $ref: _ref, ...siblings } = schema;
      const expandedSiblings = walkKeywords(siblings, path, expanding);
      if (typeof target !== 'object' || target === null) {
        return Object.keys(siblings).length === 0 ? target : expandedSiblings;
      }
      return { ...(target as Node), ...expandedSiblings };
    }
    return walkKeywords(schema, path, expanding);
  };

  const walkKeywords = (schema: Node, path: SchemaPath, expanding: readonly string[]): Node => {
    const out: Node = {};
    for (const [key, value] of Object.entries(schema)) {
      if (DEFINITION_KEYWORDS.includes(key) && path.length === 0) continue;
      if (SUBSCHEMA_LIST_KEYWORDS.has(key) && Array.isArray(value)) {
        out[key] = value.map((member, index) => walk(member, [...path, key, index], expanding));
      } else if (SUBSCHEMA_KEYWORDS.has(key)) {
        out[key] = walk(value, [...path, key], expanding);
      } else if (SUBSCHEMA_MAP_KEYWORDS.has(key) && typeof value === 'object' && value !== null) {
        const map: Node = {};
        for (const [name, member] of Object.entries(value as Node)) {
          setOwnKey(map, name, walk(member, [...path, key, name], expanding));
        }
        out[key] = map;
      } else {
        setOwnKey(out, key, value);
      }
    }
    return out;
  };

  const schema = walk(root, [], []) as Node;

  // A recursive `$ref` into the definitions needs them: keep those it points to, expanded in turn.
  for (const keyword of DEFINITION_KEYWORDS) {
    const definitions = root[keyword];
    if (typeof definitions !== 'object' || definitions === null) continue;
    const kept: Node = {};
    const prefix = `#/${keyword}/`;
    // Also the refs met while a kept definition is walked: they are pushed as this loop runs.
    for (const { ref } of recursiveRefs) {
      if (!ref.startsWith(prefix)) continue;
      // Own keys only: `constructor` or `toString` is `in` every object.
      const segment = ref.slice(prefix.length).split('/')[0] as string;
      const name = jsonPointerKey(definitions, segment);
      if (name === undefined || Object.hasOwn(kept, name)) continue;
      setOwnKey(
        kept,
        name,
        // As the refs spell it (`x~1y`), so the first one met inside is the recursive one.
        walk((definitions as Node)[name], [keyword, name], [`${prefix}${segment}`]),
      );
    }
    if (Object.keys(kept).length > 0) schema[keyword] = kept;
  }
  return { schema, recursiveRefs };
}

/**
 * The own key of `container` that the pointer segment `raw` names, or `undefined`. A segment is
 * percent-decoded (a URI fragment), then `~1` is `/` and `~0` is `~` (RFC 6901). zod writes a
 * `.meta({ id })` into the pointer without percent-encoding it, so a segment that does not decode
 * (`50%`), or whose decoded key is absent but whose literal one exists (`%41`), is read as written.
 * Own keys only: `#/$defs/constructor` is not Object's. Shared with the dev model's schema reader.
 * @internal
 */
export function jsonPointerKey(container: unknown, raw: string): string | undefined {
  if (typeof container !== 'object' || container === null) return undefined;
  let decoded = raw;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    // Not percent-encoding (`50%`): read as written.
  }
  for (const segment of [decoded, raw]) {
    const key = segment.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Object.hasOwn(container, key)) return key;
  }
  return undefined;
}

/**
 * A schema built in code can contain itself as a JavaScript object (`schema.properties.self =
 * schema`): every walk over it would overflow the stack, reported as "Maximum call stack size
 * exceeded". JSON cannot hold such a cycle; a recursive type is written with `$ref`.
 */
function assertAcyclic(node: unknown, path: SchemaPath, ancestors: object[]): void {
  if (typeof node !== 'object' || node === null) return;
  // Before the cycle check: it compares with every ancestor, and every walk after this recurses.
  if (path.length > MAX_SCHEMA_NESTING) {
    throw new Error(`the schema at ${shortPlace(formatPath(path))} ${SCHEMA_TOO_DEEP}`);
  }
  if (ancestors.includes(node)) {
    throw new Error(
      `the schema object at ${formatPath(path)} contains itself (a cycle in the JavaScript object); describe a recursive type with "$ref" and "$defs" instead`,
    );
  }
  ancestors.push(node);
  const list = Array.isArray(node);
  for (const [key, value] of Object.entries(node))
    assertAcyclic(value, [...path, list ? Number(key) : key], ancestors);
  ancestors.pop();
}

/**
 * A schema refused with a message that ends with its own fix: an intersection whose sides share no
 * type (`mergeIntersections`). The refusals of a tool's parameters and of an `output` add nothing
 * after it: their general sentence ("every field must be a JSON type") is about types JSON cannot
 * carry, and both sides here are JSON types (tools65). Here, not beside the merge: off Node the
 * merge is in a lazy chunk, and the refusals test for this class on the loaded path.
 * @internal
 */
export class SchemaConflictError extends Error {
  /** Where the intersection is in the converted schema. */
  readonly path: SchemaPath;
  constructor(path: SchemaPath, message: string) {
    super(message);
    this.name = 'SchemaConflictError';
    this.path = path;
  }
}

/** `['properties', 'items', 'items', 0]` → `properties.items.items[0]`, for messages. */
export function formatPath(path: SchemaPath): string {
  if (path.length === 0) return '(root)';
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? segment : `.${segment}`;
  }
  return text;
}

type Def = Record<string, unknown>;

// Past this many schemas walked the walk stops and leaves the schema to the converter and the
// JSON Schema checks after it (a real zod schema is far smaller).
const MAX_ZOD_WALKED = 20_000;

/**
 * Refuses a zod schema (zod 4, or zod 3.25's classic API) that nests past
 * {@link MAX_SCHEMA_NESTING} before zod's converter runs: a 20,000-level schema made the converter
 * recurse until the stack overflowed, 1.7 s as a tool's parameters and 2.3 s as `output`, 86 % of
 * it garbage collection scanning that stack (bench/RESULTS.md, "test-speed17"). The walk is
 * iterative and reads zod's def (`_zod.def`, zod 3's `_def`), each schema at most once per depth.
 * It counts the JSON Schema path the converters write for an object (`properties.<key>`), a list
 * (`items`), a union and a nullable (`anyOf.<i>`, `oneOf.<i>` for zod 4's exclusive ones), a
 * tuple (`prefixItems.<i>`, zod 3's `items.<i>`) and a record (`additionalProperties`), and
 * refuses a schema only where the converters always write a container one level below it (its
 * `properties`, `items`, `enum`, a nullable's type list or `anyOf`, an intersection's `allOf` or
 * merged object: `containerOf`), so the place is the one the converted schema's check names.
 * Other wrappers count nothing, nor do an intersection's sides (zod 4 merges objects) or data a
 * keyword holds (a `default: {}`): never more than the converters write, so it refuses only what
 * the converted schema's check would, and a schema it passes is still checked after conversion.
 * Tested at 127, 128 and 129 levels against both converters. A
 * recursion (`z.lazy`, a getter in a shape) is a `$ref` to the converters, so a schema met again
 * inside itself is not walked again. A zod 4 `z.promise()` is refused on the way, naming its place
 * (off Node, where this walk is a no-op, `zodV4ToJsonSchema`'s converter override refuses it).
 *
 * @throws Error naming the place, the limit and the fix (as the converted schema's check does).
 * @internal
 */
export function assertZodNesting(schema: unknown): void {
  const walkedAt = new Map<object, number>();
  const inside = new Set<object>();
  const pending: [node: unknown, path: SchemaPath, leaving?: boolean][] = [[schema, []]];
  for (let item = pending.pop(); item && walkedAt.size < MAX_ZOD_WALKED; item = pending.pop()) {
    const [node, path, leaving] = item;
    const read = readZodKind(node);
    if (leaving) inside.delete(node as object);
    if (leaving || read === undefined || inside.has(node as object)) continue;
    if ((walkedAt.get(node as object) ?? -1) >= path.length) continue;
    const { kind, zod4, def } = read;
    // zod 4 writes a promise as its inner type, and validates it asynchronously: its synchronous
    // parse throws a TypeError of its own, so the tool could never run (attack68b). zod 3's
    // converter refuses ZodPromise itself.
    if (zod4 && kind === 'promise') throw promiseRefusal(path);
    // The keyword under which the converters always write a container (an object or a list) one
    // level below this schema: past the limit, that container is the first place too deep.
    const inner = containerOf(kind, zod4, def);
    if (path.length >= MAX_SCHEMA_NESTING && inner !== undefined) {
      const place = formatPath([...path, inner].slice(0, MAX_SCHEMA_NESTING + 1));
      throw new Error(`the schema at ${shortPlace(place)} ${SCHEMA_TOO_DEEP}`);
    }
    walkedAt.set(node as object, path.length);
    inside.add(node as object);
    pending.push([node, path, true]);
    // Reversed, so the first child is walked first: the place is the first one past the limit.
    for (const [child, ...segments] of zodChildren(kind, zod4, def).reverse())
      pending.push([child, [...path, ...segments]]);
  }
}

/**
 * What a zod 4 `z.promise()` is refused with, at its place: by {@link assertZodNesting} on Node,
 * and by `zodV4ToJsonSchema`'s converter override everywhere (off Node the only one).
 * @internal
 */
export function promiseRefusal(path: SchemaPath): Error {
  return new Error(
    `Promises cannot be represented in JSON Schema at ${formatPath(path)}; use a JSON value`,
  );
}

/**
 * The kind of a zod schema, lower case (`object`, `date`; zod 3's `ZodDate` → `date`) with its
 * def and whether it is zod 4's, or `undefined` for what is not a zod schema. @internal
 */
export function readZodKind(node: unknown): { kind: string; zod4: boolean; def: Def } | undefined {
  const zod = node as { _zod?: { def?: Def }; _def?: Def } | undefined;
  const def = zod?._zod?.def ?? zod?._def;
  if (typeof def !== 'object' || def === null) return undefined;
  // zod 4 names its kind `type`; zod 3 `typeName` ('ZodObject'), its `type` being a list's items.
  const zod4 = typeof def['type'] === 'string';
  const kind = (zod4 ? (def['type'] as string) : String(def['typeName']).slice(3)).toLowerCase();
  return { kind, zod4, def };
}

/**
 * The schemas inside a zod schema, each with the JSON Schema path segments the converters write
 * for it (`properties.<key>`, `items`, `anyOf.<i>`...; none for a wrapper): the input side only
 * (a pipe's `in`). @internal
 */
export function zodChildren(kind: string, zod4: boolean, def: Def): [unknown, ...SchemaPath][] {
  const children: [unknown, ...SchemaPath][] = [];
  if (kind === 'object') {
    const shape = (typeof def['shape'] === 'function' ? def['shape']() : def['shape']) as Def;
    for (const key of Object.keys(shape ?? {})) children.push([shape[key], 'properties', key]);
  } else if (kind === 'array') children.push([def['element'] ?? def['type'], 'items']);
  else if (kind.endsWith('union')) {
    for (const [index, option] of (def['options'] as unknown[]).entries())
      children.push([option, def['inclusive'] === false ? 'oneOf' : 'anyOf', index]);
  } else if (kind === 'nullable') children.push([def['innerType'], 'anyOf', 0]);
  else if (kind === 'tuple') {
    const list = zod4 ? 'prefixItems' : 'items';
    for (const [index, item] of (def['items'] as unknown[]).entries())
      children.push([item, list, index]);
    if (def['rest']) children.push([def['rest'], zod4 ? 'items' : 'additionalItems']);
  } else if (kind === 'record') children.push([def['valueType'], 'additionalProperties']);
  else if (kind === 'lazy') children.push([(def['getter'] as () => unknown)()]);
  else
    for (const key of ['innerType', 'in', 'schema', 'type', 'left', 'right', 'valueType'])
      children.push([def[key]]);
  return children;
}

/**
 * The keyword under which zod 4's converter or zod-to-json-schema always writes an object or a
 * list right below a schema of this kind (`properties`, `items`, `anyOf`, `enum`...), or
 * `undefined` when one may be missing: a zod 3 list of `z.any()` has no `items`, a union of one
 * primitive type folds into a plain `type`. Checked at 127, 128 and 129 levels against the
 * converters' output (schema-depth.attacks.test.ts).
 */
function containerOf(kind: string, zod4: boolean, def: Def): string | undefined {
  if (kind === 'object') return 'properties';
  if (kind === 'array') {
    const element = (def['element'] ?? def['type']) as { _def?: Def } | undefined;
    return zod4 || element?._def?.['typeName'] !== 'ZodAny' ? 'items' : undefined;
  }
  // An intersection of objects is merged into one object by zod 4, written as allOf otherwise:
  // a container either way (its sides are walked as nothing deeper: zod 4 may merge them).
  if (kind === 'intersection') return 'allOf';
  if (kind === 'tuple') return zod4 ? 'prefixItems' : 'items';
  if (kind === 'record') return zod4 ? 'propertyNames' : 'additionalProperties';
  if (kind === 'enum' || kind === 'nativeenum') return 'enum';
  // zod 3 writes a nullable primitive as a type list (`['string', 'null']`), anything else as anyOf.
  if (kind === 'nullable') return 'anyOf';
  // Not a union: one of a single primitive type folds into a plain `type` (both converters).
  return undefined;
}

/** The fix of a `multipleOf` divisor JSON Schema cannot carry (zod 3's refusal says it too). */
const MULTIPLE_OF_FIX = 'a divisor greater than zero (.multipleOf(0.5)), or drop .multipleOf()';

/** The fix of a default that holds a bigint (zod 3's refusal says it too). */
const BIGINT_DEFAULT_FIX =
  'a default of a number or a string (make the bigint from it in execute), or drop .default()';

/**
 * zod 4's refusals of a type JSON cannot carry, by the words they start with ("Date cannot be
 * represented in JSON Schema", zod `v4/core/json-schema-processors.js`): the kind of schema that
 * makes each, and what to use instead. zod 4 names neither the place nor a fix. Where the kind
 * alone would match other schemas (every literal, every number, every object, every default), a
 * test of the schema's def says which one zod refused (attack68b, tools65).
 */
const ZOD4_NOT_JSON: Record<
  string,
  readonly [kinds: string, instead: string, refused?: (def: Def) => boolean]
> = {
  Date: ['date', 'z.iso.datetime() (a string; make the Date from it)'],
  BigInt: ['bigint', 'z.int() or z.string() (make the bigint from it)'],
  Map: ['map', 'z.record() or an array of [key, value] pairs'],
  Set: ['set', 'z.array()'],
  Symbols: ['symbol', 'z.string()'],
  NaN: ['nan', 'z.number()'],
  Undefined: ['undefined', 'z.null(), or leave the field out with .optional()'],
  Void: ['void', 'z.null(), or leave the field out with .optional()'],
  'Custom types': [
    'custom',
    'a JSON type (z.string(), z.object(...)): the model cannot be told what z.custom() or z.instanceof() accept',
  ],
  'Function types': ['function', 'a JSON value'],
  Transforms: [
    'transform',
    'a schema of the input before the transform: z.string().transform(...)',
  ],
  'BigInt literals': ['literal', 'a number literal (z.literal(10))', (def) => holds(def, 'bigint')],
  'Literal `undefined`': [
    'literal',
    'z.null(), or leave the field out with .optional()',
    (def) => holds(def, 'undefined'),
  ],
  // zod writes the divisor into its words (`A multipleOf divisor of 0`): matched without it.
  // No number passes zod's own check of 0, NaN or Infinity either (`4 % 0` is NaN).
  'A multipleOf divisor': [
    'number',
    MULTIPLE_OF_FIX,
    (def) =>
      ((def['checks'] as { _zod: { def: Def } }[] | undefined) ?? []).some(
        ({ _zod: { def: check } }) =>
          check['check'] === 'multiple_of' && !isDivisor(check['value']),
      ),
  ],
  // zod 4's parse requires the symbol-keyed field, which JSON can never send.
  'Symbol keys': [
    'object',
    'string keys: JSON has no symbols, so the field could never be sent',
    (def) => Object.getOwnPropertySymbols(def['shape'] ?? {}).length > 0,
  ],
  'BigInt defaults': [
    'default prefault',
    BIGINT_DEFAULT_FIX,
    (def) => hasBigInt(def['defaultValue']),
  ],
};

/**
 * Whether zod's `multipleOf` divisor has a JSON Schema form: finite and not zero (a negative one
 * is its absolute value).
 */
function isDivisor(value: unknown): boolean {
  return typeof value !== 'number' || (Number.isFinite(value) && value !== 0);
}

/** Whether `value` holds a bigint anywhere, as JSON.stringify meets it (zod's own test). */
function hasBigInt(value: unknown): boolean {
  let found = false;
  try {
    JSON.stringify(value, (_, member) => {
      if (typeof member === 'bigint') found = true;
      return typeof member === 'bigint' ? null : member;
    });
  } catch {
    // A cycle: zod's converter meets it first.
  }
  return found;
}

/**
 * Refuses, at `path` (zod-to-json-schema's, `properties/legs/items/properties/at`), a zod 3 schema
 * whose JSON Schema could not work, in zod 4's words with the same fixes: a `multipleOf` divisor of
 * 0, NaN or Infinity was declared (`multipleOf: 0`; Infinity reached Gemini as `null`) though no
 * number passes zod 3's own check of it, so every call failed; a default holding a bigint broke
 * JSON.stringify with its bare "Do not know how to serialize a BigInt" (tools65). Called by zod 3's
 * converter override for each schema. Node only, as {@link describeZodNotJson}: the web half is a
 * no-op (the agent app's bundle), and a browser's zod 3 tool is as it was.
 *
 * @throws Error naming the place and the fix.
 * @internal
 */
export function refuseZodV3NotJson(def: Def, path: string): void {
  const divisor = (def['checks'] as { kind: string; value: unknown }[] | undefined)?.find(
    (check) => check.kind === 'multipleOf' && !isDivisor(check.value),
  );
  if (def['typeName'] === 'ZodNumber' && divisor)
    throw new Error(
      `A multipleOf divisor of ${divisor.value} cannot be represented in JSON Schema at ${path}; use ${MULTIPLE_OF_FIX}`,
    );
  if (def['typeName'] === 'ZodDefault' && hasBigInt((def['defaultValue'] as () => unknown)()))
    throw new Error(
      `BigInt defaults cannot be represented in JSON Schema at ${path}; use ${BIGINT_DEFAULT_FIX}`,
    );
}

/** Whether a zod literal's values hold one of type `type`. */
function holds(def: Def, type: string): boolean {
  return (def['values'] as unknown[]).some((value) => typeof value === type);
}

/**
 * Where in a zod 4 schema the type is that zod's converter refused with `message`, and what to
 * use instead, to append to that message: ` at properties.legs.items.properties.at; use
 * z.iso.datetime() ...`, in the path
 * the converted schema would have had. `undefined` for another message, or when no such type is
 * found (zod 3 names its place itself). Node only: the web half says nothing more than zod does.
 * @internal
 */
export function describeZodNotJson(schema: unknown, message: string): string | undefined {
  const head = message.replace(/^(A multipleOf divisor) of \S+/, '$1');
  const label = Object.keys(ZOD4_NOT_JSON).find((word) =>
    head.startsWith(`${word} cannot be represented`),
  );
  if (label === undefined) return undefined;
  const [kinds, instead, refused] = ZOD4_NOT_JSON[label] as (typeof ZOD4_NOT_JSON)[string];
  const seen = new Set<unknown>();
  const pending: [unknown, SchemaPath][] = [[schema, []]];
  for (let item = pending.pop(); item && seen.size < MAX_ZOD_WALKED; item = pending.pop()) {
    const [node, path] = item;
    const read = readZodKind(node);
    // A recursive schema (`z.lazy`) is met again inside itself: walked once.
    if (read === undefined || !read.zod4 || seen.has(node)) continue;
    seen.add(node);
    if (kinds.split(' ').includes(read.kind) && (refused === undefined || refused(read.def)))
      return ` at ${formatPath(path)}; use ${instead}`;
    // Reversed, so the first child is searched first, as zod's converter meets them.
    for (const [child, ...segments] of zodChildren(read.kind, true, read.def).reverse())
      pending.push([child, [...path, ...segments]]);
  }
  return undefined;
}
