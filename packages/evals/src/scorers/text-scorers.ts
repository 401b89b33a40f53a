import { InvalidArgumentError } from '@gemloop/core';
import {
  booleanOption,
  checkOptionsCopy,
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
  const { ignoreCase } = checkOptionsCopy(exactMatchOptions, options);
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

/**
 * The answer matches `pattern` (a RegExp, or a string compiled with `flags`; flags given with a
 * RegExp replace its own, as `new RegExp(regex, flags)` does). The scorer keeps its own copy.
 * @throws {@link InvalidArgumentError} naming `pattern` or `flags` when they are not a RegExp or a
 * string, or do not compile (the `SyntaxError` as its cause): when the scorer is made, not mid-run.
 */
export function regexMatch(pattern: RegExp | string, flags?: string): Scorer {
  const regex = compileRegex(pattern, flags);
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

// A bad pattern was a bare SyntaxError; a number or an object was compiled as its text (`{}` is
// /[object Object]/, a class matching nearly any answer); flags beside a RegExp were dropped (attack14).
function compileRegex(pattern: unknown, flags: unknown): RegExp {
  const fail = (argument: string, what: string, cause?: unknown): never => {
    throw new InvalidArgumentError({
      argument,
      message: `regexMatch: ${argument} ${what}. Give a RegExp or a string, e.g. regexMatch('^paris$', 'i') or regexMatch(/^paris$/i).`,
      cause,
    });
  };
  if (!(pattern instanceof RegExp) && typeof pattern !== 'string') {
    fail(
      'pattern',
      `must be a RegExp or a string, not ${pattern === null ? 'null' : typeof pattern}`,
    );
  }
  if (flags !== undefined && typeof flags !== 'string') {
    fail(
      'flags',
      `must be a string of RegExp flags such as 'i', not ${flags === null ? 'null' : typeof flags}`,
    );
  }
  if (flags !== undefined) {
    try {
      new RegExp('', flags as string);
    } catch (error) {
      fail('flags', `are not valid RegExp flags (${(error as Error).message})`, error);
    }
  }
  try {
    return new RegExp(pattern as RegExp | string, flags as string | undefined);
  } catch (error) {
    return fail('pattern', `does not compile (${(error as Error).message})`, error);
  }
}

/** A value shortened for a reason (reasons stay one readable line). */
export function quote(value: unknown, max = 160): string {
  const text =
    typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? 'undefined');
  return text.length > max ? `${cutText(text, max)}…` : text;
}
