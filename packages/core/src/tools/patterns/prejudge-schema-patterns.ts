import { areUnsafePatternsAllowed } from './allow-unsafe-patterns.ts';
import type { PatternSource, SchemaKeywords } from './schema-patterns.ts';
import {
  LONGEST_MODEL_STRING,
  type Located,
  MAX_PATTERN_WAYS,
  schemaPatterns,
} from './schema-patterns.ts';

/**
 * The patterns zod 4 writes for its formats (the defaults of `z.email()`, `z.iso.datetime()`, ...)
 * that have an unbounded quantifier or a repeated group, judged safe by the analysis once and for all:
 * prejudge-schema-patterns.test.ts judges each again with it, and fails when zod writes a format
 * pattern this table and {@link isLinearAtSight} leave undecided (a zod upgrade).
 * @internal
 */
export const JUDGED_SAFE: ReadonlySet<string> = new Set([
  // zod 4 email
  "^(?:[A-Za-z0-9_'+\\-]+\\.)*[A-Za-z0-9_'+\\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\\-]*\\.)+[A-Za-z]{2,}$",
  // zod 4 hostname
  '^(?=.{1,253}\\.?$)[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[-0-9a-zA-Z]{0,61}[0-9a-zA-Z])?)*\\.?$',
  // zod 4 emoji
  '^(?=[\\s\\S]*[\\p{Extended_Pictographic}\\p{Regional_Indicator}\\u20E3])[\\p{Extended_Pictographic}\\p{Emoji_Component}]+$',
  // zod 4 cuid
  '^[cC][0-9a-z]{6,}$',
  // zod 4 cuid2
  '^[0-9a-z]+$',
  // zod 4 base64
  '^$|^(?:[0-9a-zA-Z+/]{4})*(?:(?:[0-9a-zA-Z+/]{2}==)|(?:[0-9a-zA-Z+/]{3}=))?$',
  // zod 4 base64url
  '^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2,3})?$',
  // zod 4 isoTime
  '^(?:[01]\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d(?:\\.\\d+)?)?$',
  // zod 4 isoDatetime
  '^(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))T(?:(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d+)?(?:Z))$',
  // zod 4 isoDatetimeOffset
  '^(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))T(?:(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d+)?(?:Z|([+-](?:[01]\\d|2[0-3]):[0-5]\\d)))$',
  // zod 4 isoDatetimeLocal
  '^(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))T(?:(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d+)?(?:Z)|(?:[01]\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d(?:\\.\\d+)?)?)$',
  // zod 4 isoDatetimeOffsetLocal
  '^(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))T(?:(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d+)?(?:Z|([+-](?:[01]\\d|2[0-3]):[0-5]\\d))|(?:[01]\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d(?:\\.\\d+)?)?)$',
  // zod 4 isoDuration
  '^P(?:(\\d+W)|(?!.*W)(?=\\d|T\\d)(\\d+Y)?(\\d+M)?(\\d+D)?(T(?=\\d)(\\d+H)?(\\d+M)?(\\d+([.,]\\d+)?S)?)?)$',
  // zod 4 lowercase
  '^[^A-Z]*$',
  // zod 4 uppercase
  '^[^a-z]*$',
  // zod 4 hex
  '^[0-9a-fA-F]*$',
  // zod 4 ipv4 (repeats a group: the analysis checks it since a bound does not save one)
  '^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])\\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])$',
  // zod 4 ipv6 (repeats a group: the analysis checks it since a bound does not save one)
  '^(([0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,7}:|([0-9a-fA-F]{1,4}:){1,6}:[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,5}(:[0-9a-fA-F]{1,4}){1,2}|([0-9a-fA-F]{1,4}:){1,4}(:[0-9a-fA-F]{1,4}){1,3}|([0-9a-fA-F]{1,4}:){1,3}(:[0-9a-fA-F]{1,4}){1,4}|([0-9a-fA-F]{1,4}:){1,2}(:[0-9a-fA-F]{1,4}){1,5}|[0-9a-fA-F]{1,4}:((:[0-9a-fA-F]{1,4}){1,6})|:((:[0-9a-fA-F]{1,4}){1,7}|:))$',
  // zod 4 cidrv4 (repeats a group: the analysis checks it since a bound does not save one)
  '^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])\\/([0-9]|[1-2][0-9]|3[0-2])$',
  // zod 4 cidrv6 (repeats a group: the analysis checks it since a bound does not save one)
  '^(([0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,7}:|([0-9a-fA-F]{1,4}:){1,6}:[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,5}(:[0-9a-fA-F]{1,4}){1,2}|([0-9a-fA-F]{1,4}:){1,4}(:[0-9a-fA-F]{1,4}){1,3}|([0-9a-fA-F]{1,4}:){1,3}(:[0-9a-fA-F]{1,4}){1,4}|([0-9a-fA-F]{1,4}:){1,2}(:[0-9a-fA-F]{1,4}){1,5}|[0-9a-fA-F]{1,4}:((:[0-9a-fA-F]{1,4}){1,6})|:((:[0-9a-fA-F]{1,4}){1,7}|:))\\/(12[0-8]|1[01][0-9]|[1-9]?[0-9])$',
  // zod 4 mac (repeats a group: the analysis checks it since a bound does not save one)
  '^(?:[0-9A-F]{2}:){5}[0-9A-F]{2}$|^(?:[0-9a-f]{2}:){5}[0-9a-f]{2}$',
]);

/**
 * True when `source` is linear by its text alone: it has no unbounded quantifier (`*`, `+`,
 * `{n,}`), repeats no group (`(…){n,m}`), and its bounded choices are few. A match attempt then
 * reads at most a length fixed by the pattern and tries at most the product of its choices (a
 * lookaround or a backreference reads bounded as well), and the search makes at most n + 1
 * attempts. A repeated group is not decided here: `^(\d|\w){1,64}$` has no unbounded quantifier,
 * yet 26 digits and a `!` take ~0.8 s and 40 would take hours (2^n ways); the analysis checks such
 * a group as it checks `(a|a)*`. Nor are large bounds: `^\d{0,10000}\d{0,10000}$` tries 10^8
 * splits of a long run of digits (~0.7 s), so the product of the choices (M - m + 1 for each
 * `{m,M}`, 2 for each `?`), times {@link LONGEST_MODEL_STRING} unless the pattern is anchored
 * (`^` first, no `|`, no `m` flag), must stay within {@link MAX_PATTERN_WAYS}, the analysis's own
 * limit. The analysis agrees with this rule by construction (scslre reports only quantifiers whose
 * max is Infinity, and the bounded ones it is given widened only when their choices multiply past
 * that limit; the overlap check looks at unbounded quantifiers and repeated groups); the corpus
 * test checks both ways. Read as text, conservatively: escapes and character classes are dropped
 * first (a `+` there is a character), and any `*`, `+`, `{digits,}` or `){` left counts, even
 * where the parser would read it as a literal.
 * @internal
 */
export function isLinearAtSight(source: string, flags = ''): boolean {
  const bare = source.replace(/\\[\s\S]/g, '').replace(/\[[^\]]*\]/g, '');
  if (/[*+]|\{\d*,\}|\)\{/.test(bare)) return false;
  const anchored = bare.startsWith('^') && !bare.includes('|') && !flags.includes('m');
  let ways = anchored ? 1 : LONGEST_MODEL_STRING;
  for (const [, min, max] of bare.matchAll(/\{(\d+),(\d+)\}/g))
    ways *= Math.max(1, Number(max) - Number(min) + 1);
  // A group's `(?:`, `(?=`, `(?<name>` is no choice; every other `?` is one.
  const optional = bare.replace(/\(\?(?:<[^>=!]*>|<[=!]|[:=!])/g, '(').split('?').length - 1;
  return ways * 2 ** optional <= MAX_PATTERN_WAYS;
}

/**
 * The check of a JSON Schema's patterns in two steps: here, a small chunk, the patterns decided
 * without the analysis (linear at sight, or one of zod's format patterns already judged);
 * only the rest load the analysis (scslre, refa, regexpp: ~250 KB gzip, 130-160 ms of first
 * import on Node), which rejects with an `UnsafePatternError` for an unsafe one. So a tool with
 * `z.email()` or `z.uuid()` never loads it. `regexes` (the schema passed as `parameters` or
 * `output`) marked with `allowUnsafePatterns` passes, and so do the patterns of a sub-schema of it
 * so marked (a field, an array's items, a union's member) unless one also stands outside a mark:
 * the mark is read here, in the lazy chunk, so it costs the agent app's main chunk nothing.
 * @internal
 */
export async function prejudgeSchemaPatterns(
  schema: unknown,
  options: {
    toolName: string | undefined;
    source: PatternSource;
    keywords: SchemaKeywords;
    regexes?: unknown;
  },
): Promise<void> {
  if (areUnsafePatternsAllowed(options.regexes)) return;
  const { flagsBySource, exempt } = readUserSchema(options.regexes);
  const undecided: Located[] = [];
  for (const located of schemaPatterns(schema, options.source, options.keywords)) {
    if (exempt.has(located.pattern)) continue;
    const flags = flagsBySource.get(located.pattern);
    // A flag adds no repetition (`m` adds a start at every line: read as unanchored); the table
    // is flag-less.
    if (isLinearAtSight(located.pattern, flags)) continue;
    if (flags === undefined && JUDGED_SAFE.has(located.pattern)) continue;
    undecided.push(flags === undefined ? located : { ...located, flags });
  }
  if (undecided.length === 0) return;
  const judge = await import('./judge-schema-patterns.ts');
  judge.assertSafePatterns(undecided, options.toolName);
}

// Past this many objects the walk of a schema for its regexes stops (a zod schema is far smaller).
const MAX_WALKED = 20_000;

// zod 3 keeps no RegExp for `.emoji()` (its check is `{ kind: 'emoji' }`): the one
// zod-to-json-schema writes for it, the only zod 3 format pattern the analysis refuses.
const ZOD3_EMOJI = '^(\\p{Extended_Pictographic}|\\p{Emoji_Component})+$';

/** What the user's own schema says that its JSON Schema does not. */
type UserSchemaReading = {
  /** The flags that change what a pattern matches (`i`, `m`, `s`, `v`), by source. */
  flagsBySource: Map<string, string>;
  /** The patterns found only under a sub-schema marked with `allowUnsafePatterns`. */
  exempt: Set<string>;
};

/**
 * Reads the user's schema (zod 4, zod 3 or a JSON Schema object) by walking its objects, so no
 * zod internal is named; a getter that throws is passed over. zod runs its regexes with their
 * flags, and its JSON Schema writes the source alone: the flags are kept by source. A sub-schema
 * marked with `allowUnsafePatterns` exempts its patterns (RegExps, `pattern` strings and
 * `patternProperties` keys under it), those of the JSON Schema being found by source: a source
 * that also stands outside every mark is not exempt (that place still meets the model's strings),
 * nor is any when the walk stopped early (what it did not see could hold one).
 */
function readUserSchema(schema: unknown): UserSchemaReading {
  const flagsBySource = new Map<string, string>();
  const marked = new Set<string>();
  const unmarked = new Set<string>();
  // An object seen under a mark is walked again when met outside one: what it reaches counts there.
  const seen = new Map<object, boolean>();
  const pending: { node: unknown; underMark: boolean }[] = [{ node: schema, underMark: false }];
  for (
    let item = pending.pop();
    item !== undefined && seen.size < MAX_WALKED;
    item = pending.pop()
  ) {
    const { node } = item;
    if (typeof node !== 'object' || node === null) continue;
    const underMark = item.underMark || areUnsafePatternsAllowed(node);
    const before = seen.get(node);
    if (before !== undefined && (before === false || underMark)) continue;
    seen.set(node, underMark);
    const sources = underMark ? marked : unmarked;
    if (node instanceof RegExp) {
      sources.add(node.source);
      if (/[imsv]/.test(node.flags) && !flagsBySource.has(node.source))
        flagsBySource.set(node.source, node.flags);
      continue;
    }
    const record = node as Record<string, unknown>;
    try {
      if (typeof record['pattern'] === 'string') sources.add(record['pattern']);
      if (record['kind'] === 'emoji') sources.add(ZOD3_EMOJI);
      const keys = record['patternProperties'];
      if (typeof keys === 'object' && keys !== null)
        for (const key of Object.keys(keys)) sources.add(key);
    } catch {
      // A getter that throws holds no pattern we can read.
    }
    // Own names, not keys: zod 4 keeps a check's regex under a non-enumerable `_zod`. And two
    // getters of zod 3's prototypes, whose own properties hold a function instead: an object's
    // `shape` and a lazy's `schema`.
    for (const key of [...Object.getOwnPropertyNames(node), 'shape', 'schema']) {
      try {
        pending.push({ node: record[key], underMark });
      } catch {
        // A getter that throws holds no regex we can read.
      }
    }
  }
  const complete = pending.length === 0;
  const exempt = new Set(complete ? [...marked].filter((source) => !unmarked.has(source)) : []);
  return { flagsBySource, exempt };
}
