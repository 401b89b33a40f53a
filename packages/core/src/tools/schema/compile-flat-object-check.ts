/** The scalar JSON types a flat parameter may have, with the check JSON Schema's `type` makes. */
const scalarChecks: Record<string, (value: unknown) => boolean> = {
  string: (value) => typeof value === 'string',
  number: (value) => typeof value === 'number',
  // As @cfworker/json-schema tests `integer` (`instance % 1` and NaN): Number.isInteger is the same
  // test for every number, Infinity included.
  integer: (value) => Number.isInteger(value),
  boolean: (value) => typeof value === 'boolean',
  null: (value) => value === null,
};

// The keywords a schema may use and still be checked here: any other (a format, an enum, a
// pattern, a $ref, a combinator, ...) leaves the schema to the full validator.
const rootKeywords = new Set([
  '$schema',
  'type',
  'properties',
  'required',
  'additionalProperties',
  'title',
  'description',
]);
const propertyKeywords = new Set(['type', 'title', 'description']);

/**
 * Compiles, once per tool, the check of a flat object schema (an object whose properties are each
 * a string, number, integer, boolean or null, some required, maybe no others allowed): the shape
 * of most tool parameters, the default `{ task }` of a subagent among them. The check says only
 * "valid": a `false` sends the arguments to the full JSON Schema validator, which decides and
 * words the issues, so a refusal reads the same either way. Why: the full validator walks the
 * schema and builds its error list on every call (about 2-3 µs against a zod parse's 0.5-0.8 µs on
 * the bench machine), which is most of a subagent call's argument check.
 *
 * @returns the check, or `undefined` for a schema that uses anything more.
 * @internal
 */
export function compileFlatObjectCheck(
  schema: Record<string, unknown>,
): ((args: unknown) => boolean) | undefined {
  for (const key of Object.keys(schema)) if (!rootKeywords.has(key)) return undefined;
  if (schema['type'] !== 'object') return undefined;
  const properties = schema['properties'] ?? {};
  const required = schema['required'] ?? [];
  const additional = schema['additionalProperties'] ?? true;
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties))
    return undefined;
  if (!Array.isArray(required) || !required.every((name) => typeof name === 'string'))
    return undefined;
  if (typeof additional !== 'boolean') return undefined;
  const checks = new Map<string, (value: unknown) => boolean>();
  for (const [name, property] of Object.entries(properties as Record<string, unknown>)) {
    // A name every object has (`toString`, `__proto__`): the full validator reads it through the
    // prototype (`in`), so it is left to it.
    if (name in Object.prototype) return undefined;
    if (typeof property !== 'object' || property === null || Array.isArray(property))
      return undefined;
    for (const key of Object.keys(property)) if (!propertyKeywords.has(key)) return undefined;
    const type = (property as { type?: unknown }).type;
    const check = typeof type === 'string' ? scalarChecks[type] : undefined;
    if (check === undefined || !Object.hasOwn(scalarChecks, type as string)) return undefined;
    checks.set(name, check);
  }
  const names = required as string[];
  if (names.some((name) => name in Object.prototype)) return undefined;
  return (args) => {
    if (typeof args !== 'object' || args === null || Array.isArray(args)) return false;
    const record = args as Record<string, unknown>;
    for (const name of names) if (!Object.hasOwn(record, name)) return false;
    for (const name of Object.keys(record)) {
      const check = checks.get(name);
      if (check === undefined) {
        if (!additional) return false;
      } else if (!check(record[name])) return false;
    }
    return true;
  };
}
