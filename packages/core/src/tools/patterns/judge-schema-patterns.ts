import { type AST, RegExpParser, visitRegExpAST } from '@eslint-community/regexpp';
import { isDisjointWith, JS, NFA } from 'refa';
import { analyse } from 'scslre';
import {
  LONGEST_MODEL_STRING,
  type Located,
  MAX_PATTERN_WAYS,
  type PatternSource,
  type SchemaKeywords,
  schemaPatterns,
} from './schema-patterns.ts';
import {
  isTooLargeToJudge,
  type PatternComplexity,
  UnsafePatternError,
} from './unsafe-pattern-error.ts';

/** What a pattern's analysis found: the ambiguous part, and a rewrite when one is known. */
export type PatternFinding = {
  part: string;
  complexity: PatternComplexity;
  fixedPattern?: string | undefined;
  /** For bounded runs: the product of their choices, which decided (see `UnsafePatternError`). */
  ways?: number | undefined;
};

// refa builds automata for the alternation check; past this many states a pattern is too large
// to decide, and it is refused as if ambiguous (a rewrite or the opt-out says what to do).
const MAX_AUTOMATON_NODES = 20_000;

/**
 * The analysis of the regular expressions a model's strings meet, in the chunk loaded only when a
 * schema has a `pattern` (scslre, refa and regexpp: ~250 KB gzip off Node, never loaded by an app
 * without patterns). Two checks, each exact for the class it covers:
 * - scslre (RunDevelopment's, the engine of eslint-plugin-regexp's `no-super-linear-backtracking`):
 *   a quantifier that can reach itself (`(a+)+`, exponential), two that trade characters
 *   (`\d+\d+$`, `^.*a.*a$`, polynomial), and an unanchored search that retries every suffix
 *   (`\s+$`, quadratic), for attack strings that repeat one character; it proposes a rewrite
 *   that matches the same strings when it can.
 * - an unbounded quantifier whose alternatives overlap (`(a|a)*`) or whose one iteration can
 *   also be read as two or more (`(a|aa)+`, `(a|b|ab)*`): exponential, and not a one-character
 *   attack, so scslre passes it. Decided with refa's automata (`isDisjointWith`).
 * Patterns are parsed as JSON Schema compiles them (the `u` flag), or without it when only that
 * parses (a zod regex written without `u`), or with the flags zod runs them with when given.
 * @internal
 */
export function findPatternProblem(source: string, flags?: string): PatternFinding | undefined {
  // Past the bound the analysis itself is the freeze (see isTooLargeToJudge): refused unjudged,
  // as a pattern past MAX_AUTOMATON_NODES is. Only patterns the quick check could not clear get
  // here (a long literal or a long list of alternatives without quantifiers does not).
  if (isTooLargeToJudge(source)) return { part: 'the whole pattern', complexity: 'undecided' };
  const parsed = parse(source, flags);
  if (parsed === undefined) return undefined;
  const report = analyse(parsed).reports[0];
  if (report !== undefined) {
    return {
      part:
        report.type === 'Trade'
          ? `${report.startQuant.raw} and ${report.endQuant.raw}`
          : report.quant.raw,
      complexity: report.exponential ? 'exponential' : 'polynomial',
      fixedPattern: report.fix()?.source,
    };
  }
  // Before the overlap check: it builds automata as large as the bounds (`\w{0,3000}`: ~1 s).
  const bounded = findCostlyBoundedRepetition(source, parsed);
  if (bounded !== undefined) return bounded;
  const overlap = findOverlappingRepetition(parsed);
  return overlap === undefined ? undefined : { part: overlap, complexity: 'exponential' };
}

/**
 * Throws an {@link UnsafePatternError} for the first pattern of a JSON Schema that
 * {@link findPatternProblem} refuses: `pattern` keywords and `patternProperties` keys, in every
 * sub-schema.
 * @internal
 */
export function assertSafeSchemaPatterns(
  schema: unknown,
  {
    toolName,
    source,
    keywords,
  }: { toolName: string | undefined; source: PatternSource; keywords: SchemaKeywords },
): void {
  assertSafePatterns(schemaPatterns(schema, source, keywords), toolName);
}

/**
 * Throws an {@link UnsafePatternError} for the first of `patterns` that
 * {@link findPatternProblem} refuses (those the quick check in `prejudge-schema-patterns.ts`
 * could not decide).
 * @internal
 */
export function assertSafePatterns(
  patterns: Iterable<Located>,
  toolName: string | undefined,
): void {
  for (const { path, pattern, flags } of patterns) {
    const finding = findPatternProblem(pattern, flags);
    if (finding !== undefined)
      throw new UnsafePatternError({ toolName, path, pattern, ...finding });
  }
}

type Parsed = { pattern: AST.Pattern; flags: AST.Flags };

/**
 * A bounded repetition that backtracks too many ways: scslre weighs only unbounded quantifiers, so
 * every `{m,M}` with a choice (M ≥ 2, M > m) is widened to `{m,}` and the widened pattern analysed
 * again; what it reports is then weighed with the real bounds. Quantifiers that trade characters
 * (`Trade`, chained: `\d{0,200}` three times is cubic) multiply their choices, M - m + 1, or
 * {@link LONGEST_MODEL_STRING} for an unbounded one; an unanchored search that retries every suffix
 * (`Move`) multiplies by the string's length once more. A quantifier that reaches itself through a
 * repeated group (`Self`) is exponential, as the overlap check would find.
 */
function findCostlyBoundedRepetition(source: string, parsed: Parsed): PatternFinding | undefined {
  const original = quantifiersOf(parsed.pattern);
  const choosing = original.filter(
    (quantifier) =>
      quantifier.max >= 2 && quantifier.max !== Infinity && quantifier.max > quantifier.min,
  );
  if (choosing.length === 0) return undefined;
  let text = source;
  // From the last: a quantifier's text ends at its `end`, and an outer one's follows an inner one's.
  for (const quantifier of choosing.sort((left, right) => right.end - left.end))
    text = `${text.slice(0, quantifier.element.end)}{${quantifier.min},}${quantifier.greedy ? '' : '?'}${text.slice(quantifier.end)}`;
  const { unicode, unicodeSets } = parsed.flags;
  const pattern = new RegExpParser().parsePattern(text, 0, text.length, { unicode, unicodeSets });
  const widened = quantifiersOf(pattern);
  const originalOf = (quantifier: AST.Quantifier): AST.Quantifier =>
    original[widened.indexOf(quantifier)] ?? quantifier;
  const ways = (quantifier: AST.Quantifier): number =>
    quantifier.max === Infinity ? LONGEST_MODEL_STRING : quantifier.max - quantifier.min + 1;
  // Union-find over the quantifiers that trade, with the extra factor of a retried search.
  const root = new Map<AST.Quantifier, AST.Quantifier>();
  const find = (quantifier: AST.Quantifier): AST.Quantifier => {
    const parent = root.get(quantifier) ?? quantifier;
    return parent === quantifier ? quantifier : find(parent);
  };
  const searched = new Set<AST.Quantifier>();
  for (const report of analyse({ pattern, flags: parsed.flags }).reports) {
    if (report.type === 'Self') {
      return { part: originalOf(report.parentQuant).raw, complexity: 'exponential' };
    }
    if (report.type === 'Move') searched.add(originalOf(report.quant));
    else root.set(find(originalOf(report.startQuant)), find(originalOf(report.endQuant)));
  }
  const groups = new Map<AST.Quantifier, AST.Quantifier[]>();
  for (const quantifier of new Set([...root.keys(), ...root.values(), ...searched])) {
    const group = groups.get(find(quantifier)) ?? [];
    if (!group.includes(quantifier)) group.push(quantifier);
    groups.set(find(quantifier), group);
  }
  for (const group of groups.values()) {
    let total = group.some((quantifier) => searched.has(quantifier)) ? LONGEST_MODEL_STRING : 1;
    for (const quantifier of group) total *= ways(quantifier);
    if (total > MAX_PATTERN_WAYS && group.some((quantifier) => choosing.includes(quantifier))) {
      const part = group
        .sort((left, right) => left.start - right.start)
        .map((quantifier) => quantifier.raw)
        .join(' and ');
      return { part, complexity: 'polynomial', ways: total };
    }
  }
  return undefined;
}

function quantifiersOf(pattern: AST.Pattern): AST.Quantifier[] {
  const found: AST.Quantifier[] = [];
  visitRegExpAST(pattern, { onQuantifierEnter: (quantifier) => found.push(quantifier) });
  return found;
}

function parse(source: string, flags?: string): Parsed | undefined {
  const parser = new RegExpParser();
  // A zod regex's own flags say how it is read; a JSON Schema's pattern has none but `u`.
  const unicodeSets = flags?.includes('v') === true;
  const readings = flags === undefined ? [true, false] : [unicodeSets || flags.includes('u')];
  for (const unicode of readings) {
    try {
      const pattern = parser.parsePattern(source, 0, source.length, { unicode, unicodeSets });
      return { pattern, flags: parser.parseFlags(flags ?? (unicode ? 'u' : '')) };
    } catch {
      // Not valid with this flag; a pattern valid with neither never compiled (a JSON Schema's is
      // refused when its tool is defined), so nothing runs it.
    }
  }
  return undefined;
}

/**
 * The first unbounded quantifier, or repeated group (`(…){n,m}`, m ≥ 2), whose element can match one
 * string in two ways: a bound does not save a repeated group (`^(\d|\w){1,64}$` tries 2^n ways on n
 * digits and a `!`; `(\w{1,20}){1,9}` splits 180 letters ~10^13 ways), so it is checked as `*` is.
 */
function findOverlappingRepetition(parsed: Parsed): string | undefined {
  const parser = JS.Parser.fromAst(parsed);
  const automaton = (element: AST.Node): NFA => {
    const { expression, maxCharacter } = parser.parseElement(element as JS.ParsableElement, {
      backreferences: 'disable',
      assertions: 'ignore',
    });
    return NFA.fromRegex(
      expression,
      { maxCharacter },
      { assertions: 'ignore', unknowns: 'disable' },
    );
  };
  let found: string | undefined;
  visitRegExpAST(parsed.pattern, {
    onQuantifierEnter(quantifier) {
      if (found !== undefined || quantifier.max < 2) return;
      const group =
        quantifier.element.type === 'Group' || quantifier.element.type === 'CapturingGroup';
      if (quantifier.max !== Infinity && !group) return;
      try {
        if (isAmbiguousRepetition(quantifier.element, automaton)) found = quantifier.raw;
      } catch {
        // Too large to decide (refa's node limit): refused, as the error's rewrite advice fits.
        found = quantifier.raw;
      }
    },
  });
  return found;
}

function isAmbiguousRepetition(
  element: AST.QuantifiableElement,
  automaton: (element: AST.Node) => NFA,
): boolean {
  if (
    (element.type === 'Group' || element.type === 'CapturingGroup') &&
    element.alternatives.length > 1
  ) {
    const branches = element.alternatives.map(automaton);
    for (let left = 0; left < branches.length; left++) {
      for (let right = left + 1; right < branches.length; right++) {
        if (!isDisjointWith(branches[left] as NFA, branches[right] as NFA, MAX_AUTOMATON_NODES))
          return true;
      }
    }
  }
  // One iteration's strings against two or more iterations': `(a|aa)+` reads "aa" both ways.
  const once = automaton(element);
  const twiceOrMore = once.copy();
  const rest = once.copy();
  rest.quantify(1, Number.POSITIVE_INFINITY);
  twiceOrMore.append(rest);
  return !isDisjointWith(once, twiceOrMore, MAX_AUTOMATON_NODES);
}
