/** Where a schema's patterns come from: zod 4 writes patterns for checks it does not run as one. */
export type PatternSource = 'zod-v4' | 'other';

// zod 4 writes `^prefix.*`, `.*suffix$` and `needle` for `.startsWith()`, `.endsWith()` and
// `.includes()` (with these formats) but checks them with String methods: never run as a regex.
const NOT_RUN_BY_ZOD = new Set(['starts_with', 'ends_with', 'includes']);

/**
 * json-schema-keywords.ts's four lists, given by the caller in this order (subschema, list of
 * subschemas, map of subschemas, definitions): imported here, the module would leave the agent
 * app's chunk for one shared with this lazy one (+~100 B gzip of `import`/`export` lines), and a
 * tuple costs the main chunk 43 B gzip less than an object naming them (redos4).
 */
export type SchemaKeywords = readonly [
  subschema: ReadonlySet<string>,
  subschemaList: ReadonlySet<string>,
  subschemaMap: ReadonlySet<string>,
  definitions: readonly string[],
];

/**
 * The longest string the pattern check assumes a model can send in one argument: 65,536 output
 * tokens (Gemini's largest `maxOutputTokens`) of ~4 characters each. A gateway can send more; the
 * point is the order of magnitude a backtracking cost is weighed at.
 * @internal
 */
export const LONGEST_MODEL_STRING = 262_144;

/**
 * The most ways a pattern may try one string before the check calls it a hang: 10^7 backtracking
 * steps took 70-140 ms in V8 at load ~13 (bench/RESULTS.md, "redos4"), the 100 ms a validation of
 * one argument may take.
 * @internal
 */
export const MAX_PATTERN_WAYS = 10_000_000;

/** A pattern of a schema, and its JSON path. */
export type Located = {
  path: string;
  pattern: string;
  /** The flags zod runs the pattern with (`i`, `m`, `s`, `v`), when it has any of them. */
  flags?: string | undefined;
};

/**
 * The patterns of a JSON Schema a validator runs: `pattern` keywords (a string) and
 * `patternProperties` keys, in every sub-schema, each once (a cycle is walked once).
 * @internal
 */
export function* schemaPatterns(
  schema: unknown,
  source: PatternSource,
  [
    SUBSCHEMA_KEYWORDS,
    SUBSCHEMA_LIST_KEYWORDS,
    SUBSCHEMA_MAP_KEYWORDS,
    DEFINITION_KEYWORDS,
  ]: SchemaKeywords,
): Generator<Located> {
  const seen = new Set<object>();
  const pending: { node: unknown; path: string[] }[] = [{ node: schema, path: [] }];
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    const { node, path } = item;
    if (typeof node !== 'object' || node === null || seen.has(node)) continue;
    seen.add(node);
    if (Array.isArray(node)) continue;
    const record = node as Record<string, unknown>;
    const pattern = record['pattern'];
    const format = record['format'];
    if (
      typeof pattern === 'string' &&
      !(source === 'zod-v4' && typeof format === 'string' && NOT_RUN_BY_ZOD.has(format))
    ) {
      yield { path: [...path, 'pattern'].join('.'), pattern };
    }
    const patternKeys = record['patternProperties'];
    if (typeof patternKeys === 'object' && patternKeys !== null) {
      for (const key of Object.keys(patternKeys))
        yield { path: [...path, 'patternProperties', key].join('.'), pattern: key };
    }
    for (const [keyword, value] of Object.entries(record)) {
      if (SUBSCHEMA_LIST_KEYWORDS.has(keyword) && Array.isArray(value)) {
        for (const [index, child] of value.entries())
          pending.push({ node: child, path: [...path, keyword, String(index)] });
      } else if (SUBSCHEMA_KEYWORDS.has(keyword)) {
        pending.push({ node: value, path: [...path, keyword] });
      } else if (SUBSCHEMA_MAP_KEYWORDS.has(keyword) || DEFINITION_KEYWORDS.includes(keyword)) {
        if (typeof value === 'object' && value !== null) {
          for (const [name, child] of Object.entries(value))
            pending.push({ node: child, path: [...path, keyword, name] });
        }
      }
    }
  }
}
