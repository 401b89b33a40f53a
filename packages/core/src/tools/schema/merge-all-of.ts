import { setOwnKey } from '../../shared/set-own-key.ts';
import { formatPath, inlineRefs, SchemaConflictError } from './inline-refs.ts';
import {
  DEFINITION_KEYWORDS,
  SUBSCHEMA_KEYWORDS,
  SUBSCHEMA_LIST_KEYWORDS,
  SUBSCHEMA_MAP_KEYWORDS,
} from './json-schema-keywords.ts';
import type { SchemaPath } from './schema-warning.ts';

type Node = Record<string, unknown>;

/**
 * Merges `allOf` members into their parent, since Gemini's OpenAPI subset has no `allOf` (zod's
 * `.and()` and intersections produce it). Properties are united (a property defined by two
 * members becomes an `allOf` of both, merged in turn), `required` lists are united, `type`s are
 * intersected. For any other keyword two members disagree on, the first value is kept and a
 * warning says so.
 * @internal
 */
export function mergeAllOf(
  node: Node,
  path: SchemaPath,
  warn: (path: SchemaPath, keyword: string, message: string) => void,
): Node {
  const { allOf, ...merged } = node;
  for (const [index, member] of (allOf as unknown[]).entries()) {
    if (member === true) continue;
    if (typeof member !== 'object' || member === null || Array.isArray(member)) {
      warn([...path, 'allOf', index], 'allOf', 'a member that accepts nothing is ignored');
      continue;
    }
    let source = member as Node;
    if (Array.isArray(source['allOf']))
      source = mergeAllOf(source, [...path, 'allOf', index], warn);
    for (const [key, value] of Object.entries(source)) {
      const existing = merged[key];
      if (existing === undefined) {
        merged[key] = value;
      } else if (key === 'properties' && isNode(existing) && isNode(value)) {
        const properties: Node = { ...existing };
        for (const [name, schema] of Object.entries(value)) {
          setOwnKey(
            properties,
            name,
            Object.hasOwn(properties, name) ? { allOf: [properties[name], schema] } : schema,
          );
        }
        merged[key] = properties;
      } else if (key === 'required' && Array.isArray(existing) && Array.isArray(value)) {
        merged[key] = [...new Set([...existing, ...value])];
      } else if (key === 'type') {
        const types = intersect(existing, value);
        if (types.length === 0) {
          warn(
            [...path, 'allOf', index],
            'type',
            `allOf members disagree on the type; ${JSON.stringify(existing)} is kept`,
          );
        } else {
          merged[key] = types.length === 1 ? types[0] : types;
        }
      } else if (key === 'description') {
        // The outer description is the more specific one.
      } else if (JSON.stringify(existing) !== JSON.stringify(value)) {
        warn(
          [...path, 'allOf', index],
          key,
          `allOf members disagree on "${key}"; the first value is kept`,
        );
      }
    }
  }
  return merged;
}

/**
 * Merges every `allOf` of a zod schema's JSON Schema into one schema (with {@link mergeAllOf}), so
 * that both zods declare an intersection alike: zod 4 folds one of plain objects itself, and writes
 * `allOf` otherwise (described sides, a field both sides define, two strings); zod-to-json-schema
 * (zod 3) always writes `allOf`, which a tool's root check refused ("got a schema with allOf",
 * attack68b). `allOf` is not among the keywords Google lists for its JSON Schema (js-genai
 * `responseJsonSchema`), so the model may not read a nested one either. The declaration only: the
 * arguments are still checked by zod. `additionalProperties` is kept only when every side says
 * the same (as zod 4 folds: `false` on one side alone would forbid the other side's fields).
 *
 * A schema without `allOf` is returned as it is. Otherwise its `$ref`s are inlined first (zod 3
 * points into a side reused elsewhere: `#/properties/from/allOf/0`), and a schema with a
 * recursive `$ref` into a side, which the merge would leave pointing to nothing, is returned as
 * it is (its `allOf` stays).
 *
 * Here, beside {@link mergeAllOf}, not in a module of its own: on Node this module is loaded
 * already (by `schemaFormat: 'openapi'`'s converter), and the root import is at its module limit;
 * off Node it comes with zod 3's converter, in its chunk.
 *
 * @throws {@link SchemaConflictError} naming the place of an intersection whose sides share no
 *   type (no value passes), and the fix.
 * @internal
 */
export function mergeIntersections(schema: Node): Node {
  // Most schemas have none (a field named "allOf" costs a walk that finds nothing to merge).
  if (!JSON.stringify(schema).includes('"allOf"')) return schema;
  const { schema: inlined, recursiveRefs } = inlineRefs(schema);
  if (recursiveRefs.some(({ ref }) => ref.includes('/allOf/'))) return schema;
  return mergeIn(inlined, []) as Node;
}

function mergeIn(node: unknown, path: SchemaPath): unknown {
  if (!isNode(node)) return node;
  let schema = node;
  const sides = node['allOf'];
  if (Array.isArray(sides)) {
    schema = mergeAllOf(node, path, (_, keyword) => {
      // Other disagreements keep the first side's value: the declaration guides, zod checks.
      if (keyword !== 'type') return;
      const types = sides.map((side) => (isNode(side) ? side['type'] : undefined));
      throw new SchemaConflictError(
        path,
        `the intersection at ${formatPath(path)} can hold no value: its sides are of types ${types
          .filter((type) => type !== undefined)
          .map((type) => JSON.stringify(type))
          .join(' and ')}. Give both sides one type, or use a union if either may be sent`,
      );
    });
    const closed = JSON.stringify(schema['additionalProperties']);
    if (
      node['additionalProperties'] === undefined &&
      !sides.every(
        (side) => isNode(side) && JSON.stringify(side['additionalProperties']) === closed,
      )
    )
      delete schema['additionalProperties'];
  }
  const out: Node = {};
  for (const [key, value] of Object.entries(schema)) {
    if (SUBSCHEMA_LIST_KEYWORDS.has(key) && Array.isArray(value)) {
      out[key] = value.map((member, index) => mergeIn(member, [...path, key, index]));
    } else if (SUBSCHEMA_KEYWORDS.has(key)) {
      out[key] = mergeIn(value, [...path, key]);
    } else if (
      (SUBSCHEMA_MAP_KEYWORDS.has(key) || DEFINITION_KEYWORDS.includes(key)) &&
      isNode(value)
    ) {
      const map: Node = {};
      for (const [name, member] of Object.entries(value))
        setOwnKey(map, name, mergeIn(member, [...path, key, name]));
      out[key] = map;
    } else {
      setOwnKey(out, key, value);
    }
  }
  return out;
}

function intersect(left: unknown, right: unknown): unknown[] {
  const leftTypes = Array.isArray(left) ? left : [left];
  const rightTypes = Array.isArray(right) ? right : [right];
  const types: unknown[] = [];
  for (const type of leftTypes) {
    if (rightTypes.includes(type)) types.push(type);
    else if (type === 'integer' && rightTypes.includes('number')) types.push('integer');
    else if (type === 'number' && rightTypes.includes('integer')) types.push('integer');
  }
  return types;
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
