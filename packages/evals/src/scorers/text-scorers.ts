import {
  booleanOption,
  cutText,
  type DeclaredOptions,
  defineOptions,
} from '@gemloop/core/internal';
import type { Scorer } from '../scorer.ts';

/** Options of {@link exactMatch}. */
export type ExactMatchOptions = {
  /** Fold case before comparing. @defaultValue false */
  ignoreCase?: boolean | undefined;
};

// A misspelt `ignorecase` compared case-sensitively without a word (attack13).
const exactMatchOptions: DeclaredOptions<ExactMatchOptions> = defineOptions<ExactMatchOptions>({
  name: 'exactMatch',
  example: '{ ignoreCase: true }',
  checks: { ignoreCase: booleanOption() },
});

/**
 * Exact match of the answer with `expected.text` (after trimming; `ignoreCase` folds case).
 * Skips a case without `expected.text`.
 */
export function exactMatch(options: ExactMatchOptions = {}): Scorer {
  const { ignoreCase } = exactMatchOptions.check(options);
  const fold = (text: string): string =>
    ignoreCase === true ? text.trim().toLowerCase() : text.trim();
  return {
    name: 'exact',
    score({ evalCase, run }) {
      const expected = evalCase.expected?.text;
      if (expected === undefined) return undefined;
      const pass = fold(run.text) === fold(expected);
      return {
        scorer: 'exact',
        score: pass ? 1 : 0,
        pass,
        reason: pass
          ? 'the answer equals the expected text'
          : `expected ${quote(expected)}, got ${quote(run.text)}`,
      };
    },
  };
}

/** The answer matches `pattern` (a RegExp, or a string compiled with `flags`). */
export function regexMatch(pattern: RegExp | string, flags?: string): Scorer {
  const regex = typeof pattern === 'string' ? new RegExp(pattern, flags) : pattern;
  return {
    name: 'regex',
    score({ run }) {
      regex.lastIndex = 0;
      const pass = regex.test(run.text);
      return {
        scorer: 'regex',
        score: pass ? 1 : 0,
        pass,
        reason: `${pass ? 'matches' : 'does not match'} ${regex}: ${quote(run.text)}`,
      };
    },
  };
}

/** A value shortened for a reason (reasons stay one readable line). */
export function quote(value: unknown, max = 160): string {
  const text =
    typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? 'undefined');
  return text.length > max ? `${cutText(text, max)}…` : text;
}
