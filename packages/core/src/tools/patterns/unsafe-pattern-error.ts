import { GemloopError } from '../../errors/gemloop-error.ts';

/**
 * How a pattern's backtracking grows with the length of the string it is tested on;
 * `'undecided'` for a pattern too large to analyse (past 1,000 characters or 100 quantifiers,
 * with quantifiers the quick check cannot clear), whose analysis could itself freeze the process.
 */
export type PatternComplexity = 'exponential' | 'polynomial' | 'undecided';

// The largest pattern the analysis judges. Its cost grows faster than the pattern (`(a+)+` written
// 50 times, 250 characters: 0.36 s; 100 times: 0.7 s; 200 times: 15 s; 1,000 times: past half a
// minute; `(?:x0|x1|...)+` of 250 alternatives, 1,144 characters: 1.5 s), and a JSON Schema from a
// file or another service froze the process at the agent's first run (attack60d). The longest
// pattern of the corpus the analysis must pass, zod 3's ipv6, has 661 characters and 47.
const MAX_JUDGED_LENGTH = 1_000;
const MAX_JUDGED_QUANTIFIERS = 100;

/**
 * Whether a pattern is past what the analysis judges: 1,000 characters, or 100 quantifier
 * characters (`*`, `+`, `?`, `}`; counted on the source, escaped ones too). @internal
 */
export function isTooLargeToJudge(source: string): boolean {
  return (
    source.length > MAX_JUDGED_LENGTH ||
    (source.match(/[*+?}]/g)?.length ?? 0) > MAX_JUDGED_QUANTIFIERS
  );
}

/**
 * A regular expression in a tool's parameter schema (zod's `.regex()`, a JSON Schema `pattern` or
 * `patternProperties` key) or in an agent's `output` schema can backtrack super-linearly on a
 * string the model could send: validating the model's arguments (or answer) runs it on the
 * process's only thread, where JavaScript has no time limit for a regex, so one call of a few
 * dozen characters could freeze every run of the process. Thrown before any model call sees the
 * schema (a run rejects with it before its first request); the message names the tool, the JSON
 * path, the pattern, the ambiguous part and the fix. Nothing of a model's text is in it.
 */
export class UnsafePatternError extends GemloopError {
  override readonly code = 'unsafe-pattern';
  /** The tool whose parameters hold the pattern; undefined for an agent's `output` schema. */
  readonly toolName: string | undefined;
  /** Where in the JSON Schema, e.g. `properties.code.pattern`. */
  readonly path: string;
  /** The pattern's source (bounded to 200 characters). */
  readonly pattern: string;
  /** The quantifier (or pair of quantifiers) that can match the same characters more than one way. */
  readonly part: string;
  /**
   * `'exponential'`: each extra character doubles the time; `'polynomial'`: n², n³, ...;
   * `'undecided'`: too large to analyse (past 1,000 characters or 100 quantifiers).
   */
  readonly complexity: PatternComplexity;
  /** A rewrite that matches exactly the same strings without the ambiguity, when one is known. */
  readonly fixedPattern: string | undefined;
  /**
   * For a finding in bounded runs (`\d{0,4000}\d{0,4000}`): the most ways they can split one
   * string, the product of their choices (M - m + 1 each; an unbounded one beside them counts as
   * the longest string a model sends), which is past the analysis's limit of 10,000,000 (about
   * 0.1 s of one call). Undefined when the time grows with the string without a bound.
   */
  readonly ways: number | undefined;

  constructor({
    toolName,
    path,
    pattern,
    part,
    complexity,
    fixedPattern,
    ways,
  }: {
    toolName: string | undefined;
    path: string;
    pattern: string;
    part: string;
    complexity: PatternComplexity;
    fixedPattern?: string | undefined;
    ways?: number | undefined;
  }) {
    const owner =
      toolName === undefined ? 'the output schema' : `the parameters of tool "${toolName}"`;
    // A bounded finding costs what its choices multiply to, not a growth with the length: its
    // bounds cap the time (redos4 timed `^\d{0,B}\d{0,B}$` at 10.5 ms for B = 1,000, 691 ms for 8,000).
    const growth =
      ways !== undefined
        ? `through about ${Number(ways.toPrecision(2)).toLocaleString('en-US')} ways (its quantifiers' choices multiplied; 10,000,000 take about 0.1 s, on every call)`
        : complexity === 'exponential'
          ? 'exponentially (each extra character doubles the time: 40 characters take hours)'
          : 'polynomially (100,000 characters take minutes)';
    const reason =
      complexity === 'undecided'
        ? `is too large to analyse (${pattern.length} characters; the analysis takes up to ${MAX_JUDGED_LENGTH} characters and ${MAX_JUDGED_QUANTIFIERS} quantifiers, as its time grows faster than the pattern's: judging it could itself take minutes), and the quick check cannot clear its quantifiers`
        : `can backtrack ${growth} on a string the model sends, because ${part} can match the same characters more than one way`;
    const fix =
      complexity === 'undecided'
        ? 'Shorten it or split it into smaller patterns, or check the value in the tool itself'
        : fixedPattern === undefined
          ? 'Rewrite it so that each character can be matched one way only'
          : `Rewrite it so that each character can be matched one way only, e.g. ${JSON.stringify(bound(fixedPattern))} (it matches the same strings)`;
    const optOut =
      toolName === undefined
        ? ", or, when you trust it on the model's answer, pass output: allowUnsafePatterns(schema) (from '@gemloop/core/tools')"
        : ", or, when the tool's arguments never come from a model, define the tool with allowUnsafePatterns: true (or parameters: allowUnsafePatterns(schema), from '@gemloop/core/tools')";
    super({
      message: `The pattern ${JSON.stringify(bound(pattern))} at ${path} in ${owner} ${reason}; JavaScript has no time limit for a regex, so validating one call could freeze the process. ${fix}${optOut}.`,
    });
    this.toolName = toolName;
    this.path = path;
    this.pattern = bound(pattern);
    this.part = part;
    this.complexity = complexity;
    this.fixedPattern = fixedPattern;
    this.ways = ways;
  }

  static override isInstance(error: unknown): error is UnsafePatternError {
    return GemloopError.hasCode(error, 'unsafe-pattern');
  }
}

function bound(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}
