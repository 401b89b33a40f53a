import { setOwnKey } from '../../shared/set-own-key.ts';
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
