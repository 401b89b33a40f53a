import type { SchemaPath } from './schema-warning.ts';

/**
 * The place of a property named `__proto__` in a zod schema's JSON Schema, or `undefined`. zod's
 * parse (3 and 4) writes each field it read into a plain object by assignment, where a
 * `__proto__` key sets the prototype: the field never reaches `execute`. zod 4's converter writes
 * the property as an own key; zod-to-json-schema assigns it too, so its `properties` lose it and
 * get a prototype instead (both are looked for). Each object is walked once (a converter may
 * share one between places).
 * @internal
 */
export function findProtoProperty(schema: unknown): SchemaPath | undefined {
  const seen = new Set<object>();
  const walk = (node: unknown, path: SchemaPath): SchemaPath | undefined => {
    if (typeof node !== 'object' || node === null || seen.has(node)) return undefined;
    seen.add(node);
    for (const [key, value] of Object.entries(node)) {
      if (key === 'properties' && typeof value === 'object' && value !== null) {
        const prototype: unknown = Object.getPrototypeOf(value);
        if (
          Object.hasOwn(value, '__proto__') ||
          (prototype !== Object.prototype && prototype !== null)
        )
          return [...path, key, '__proto__'];
      }
      const found = walk(value, [...path, key]);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return walk(schema, []);
}
