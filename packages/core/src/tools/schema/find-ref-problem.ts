import { formatPath, jsonPointerKey, MAX_SCHEMA_NESTING, shortPlace } from './inline-refs.ts';
import {
  SUBSCHEMA_KEYWORDS,
  SUBSCHEMA_LIST_KEYWORDS,
  SUBSCHEMA_MAP_KEYWORDS,
} from './json-schema-keywords.ts';
import type { SchemaPath } from './schema-warning.ts';

type Node = Record<string, unknown>;

/**
 * The most schema objects a walk through a schema's `$ref`s may visit (each `$ref` is read, and
 * inlined, once for every place it is used). Real schemas take a few thousand; a `$ref` used twice
 * at each of 15 levels (over a megabyte of declaration once inlined, sent with every request)
 * takes this many.
 */
export const MAX_REF_EXPANSION = 100_000;

// The keywords whose sub-schemas check a part of the value (a property, an item, a key), not the
// value itself: a `$ref` that comes back to itself must pass one of them, or its check never ends.
const INSTANCE_KEYWORDS: ReadonlySet<string> = new Set([
  'properties',
  'patternProperties',
  'additionalProperties',
  'unevaluatedProperties',
  'propertyNames',
  'items',
  'prefixItems',
  'additionalItems',
  'unevaluatedItems',
  'contains',
]);

/**
 * Why a schema's local `$ref`s cannot be used, or `undefined`: `$ref`s whose expansion passes
 * {@link MAX_REF_EXPANSION} schemas (refs that each use the next twice double at every level:
 * 30 of them kept `defineTool` inlining for hours, and the process with it), or a `$ref` that
 * comes back to itself before any property or item (`a: { $ref: a }`, or through `allOf`, `anyOf`,
 * `not`): no value can be checked against it, and @cfworker/json-schema's check overflowed the
 * stack at every call. The walk stops at the bound, so it is itself bounded. A `$ref` that leads
 * nowhere is left to the inlining's own message. attack26.
 * @internal
 */
export function findRefProblem(root: Node): string | undefined {
  let visits = 0;
  // `expanding`: the refs whose targets are being read; `fresh`: those of them entered since the
  // last step into a property or an item.
  const walk = (
    node: unknown,
    path: SchemaPath,
    expanding: readonly string[],
    fresh: readonly string[],
  ): string | undefined => {
    // Nesting past the bound is refused by `defineTool` itself, naming it; stopping here keeps
    // this walk's stack as short as that check's.
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
    if (path.length > MAX_SCHEMA_NESTING) return undefined;
    // Copies only: a large schema without $refs is what it is (its size bounded by its source).
    if (expanding.length > 0 && ++visits > MAX_REF_EXPANSION) {
      return `its $refs expand past ${MAX_REF_EXPANSION} schemas (MAX_REF_EXPANSION: each $ref is copied where it is used); define shared parts once, without a $ref to the same definition twice at every level`;
    }
    const schema = node as Node;
    const ref = schema['$ref'];
    if (typeof ref === 'string' && ref.startsWith('#')) {
      const at = `$ref ${JSON.stringify(ref.slice(0, 200))} at ${shortPlace(formatPath(path))}`;
      if (fresh.includes(ref)) {
        return `${at} comes back to itself without going into a property or an item, so no value can ever be checked against it; make the recursion go through "properties" or "items"`;
      }
      if (expanding.length >= MAX_SCHEMA_NESTING) {
        return `${at} is reached through more than ${MAX_SCHEMA_NESTING} $refs in a row (MAX_SCHEMA_NESTING)`;
      }
      if (!expanding.includes(ref)) {
        const target = resolve(root, ref);
        const problem = walk(target, path, [...expanding, ref], [...fresh, ref]);
        if (problem !== undefined) return problem;
      }
    }
    for (const [key, value] of Object.entries(schema)) {
      const inner = INSTANCE_KEYWORDS.has(key) ? [] : fresh;
      let problem: string | undefined;
      if (SUBSCHEMA_LIST_KEYWORDS.has(key) && Array.isArray(value)) {
        for (let index = 0; index < value.length && problem === undefined; index++)
          problem = walk(value[index], [...path, key, index], expanding, inner);
      } else if (SUBSCHEMA_KEYWORDS.has(key)) {
        problem = walk(value, [...path, key], expanding, inner);
      } else if (SUBSCHEMA_MAP_KEYWORDS.has(key) && typeof value === 'object' && value !== null) {
        for (const [name, member] of Object.entries(value as Node)) {
          problem = walk(member, [...path, key, name], expanding, inner);
          if (problem !== undefined) break;
        }
      }
      if (problem !== undefined) return problem;
    }
    return undefined;
  };
  return walk(root, [], [], []);
}

/** The target of a local `$ref` (own keys only, as `inlineRefs` reads it), or undefined. */
function resolve(root: Node, ref: string): unknown {
  if (ref === '#') return root;
  let target: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const key = jsonPointerKey(target, raw);
    target = key === undefined ? undefined : (target as Node)[key];
  }
  return target;
}
