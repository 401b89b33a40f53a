// Keywords whose value maps names (property names, definition names) to schemas: the names are
// not keywords, so a property called "pattern" keeps its schema.
const SCHEMA_MAPS: ReadonlySet<string> = new Set([
  'properties',
  '$defs',
  'definitions',
  'dependentSchemas',
]);

// Keywords whose value is data, not schemas: nothing in them is a keyword.
const DATA_KEYWORDS: ReadonlySet<string> = new Set(['enum', 'const', 'default', 'examples']);

// Keywords under which a looser subschema makes the schema stricter: `not: {pattern}` emptied
// to `not: {}` refuses everything, `oneOf` of two emptied branches refuses what both now match,
// and an emptied `if` always applies its `then`. One that held a pattern is dropped whole (its
// `then`/`else` then do nothing, as the spec says of them without an `if`).
const NOT_MONOTONE: ReadonlySet<string> = new Set(['not', 'oneOf', 'if']);

/**
 * A copy of an MCP tool's input schema for checking the model's arguments here, without the
 * regular expressions: `pattern` is dropped, and so is `patternProperties` (with the
 * `additionalProperties` and `unevaluatedProperties` beside it, which depend on which keys it
 * matched, so the check stays lenient rather than refusing valid keys).
 *
 * The schema comes from the server and the strings from the model: a pattern such as `^(a+)+$`
 * backtracks exponentially on `aaa...a!`, and a running regular expression blocks the event loop,
 * so no time limit can stop it and the whole process hangs. The server checks its own patterns and
 * reports a mismatch as an error the model reads; the declaration sent to Gemini keeps them.
 *
 * Every object below the root is treated as a possible schema (a `$ref` may point anywhere), except
 * the data of `enum`, `const`, `default` and `examples`.
 *
 * @returns the copy, or `undefined` when the schema has no pattern (use it as it is).
 * @internal
 */
export function stripSchemaPatterns(
  schema: Record<string, unknown>,
): Record<string, unknown> | undefined {
  let found = false;
  const stripSchema = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(stripSchema);
    if (typeof node !== 'object' || node === null) return node;
    const source = node as Record<string, unknown>;
    const hasPatternProperties = 'patternProperties' in source;
    const copy: Record<string, unknown> = {};
    for (const [keyword, value] of Object.entries(source)) {
      if (keyword === 'pattern' && typeof value === 'string') {
        found = true;
        continue;
      }
      if (
        hasPatternProperties &&
        (keyword === 'patternProperties' ||
          keyword === 'additionalProperties' ||
          keyword === 'unevaluatedProperties')
      ) {
        found = true;
        continue;
      }
      if (NOT_MONOTONE.has(keyword)) {
        const foundBefore = found;
        found = false;
        const stripped = stripSchema(value);
        const foundInside = found;
        found = foundBefore || foundInside;
        if (!foundInside) define(copy, keyword, stripped);
        continue;
      }
      define(
        copy,
        keyword,
        DATA_KEYWORDS.has(keyword)
          ? value
          : SCHEMA_MAPS.has(keyword)
            ? stripMap(value)
            : stripSchema(value),
      );
    }
    return copy;
  };
  const stripMap = (map: unknown): unknown => {
    if (typeof map !== 'object' || map === null || Array.isArray(map)) return stripSchema(map);
    const copy: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(map)) define(copy, name, stripSchema(value));
    return copy;
  };
  const stripped = stripSchema(schema) as Record<string, unknown>;
  return found ? stripped : undefined;
}

/** Sets a key as an own property: a key named "__proto__" is copied, not made the prototype. */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}
