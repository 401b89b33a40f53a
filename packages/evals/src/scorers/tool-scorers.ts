import {
  checkOptionsCopy,
  cutText,
  type DeclaredOptions,
  defineOptions,
  integerOption,
  numberOption,
  oneOfOption,
  optionCheck,
} from '@gemloop/core/internal';
import type { ExpectedToolCall } from '../eval-case.ts';
import type { EvalToolCall, Scorer } from '../scorer.ts';
import { firstDifference, isSubsetOf } from './deep-equal.ts';
import { quote } from './text-scorers.ts';

/**
 * How the expected calls must appear among the actual ones (ADK Python's `adk eval` trajectory
 * match types: EXACT, IN_ORDER, ANY_ORDER; google/adk-python src/google/adk/evaluation/
 * trajectory_evaluator.py), plus `subset`:
 * - `exact`: the same calls, in the same order, nothing else;
 * - `in-order`: the expected calls in that order, other calls allowed between them;
 * - `any-order`: the same calls, in any order, nothing else;
 * - `subset`: every expected call somewhere, other calls allowed.
 */
export type TrajectoryMatch = 'exact' | 'in-order' | 'any-order' | 'subset';

/**
 * How arguments match: `ignore` (names only), `exact` (deep-equal), `subset` (every expected key
 * with an equal value; extra keys allowed), or a function of (expected, actual).
 */
export type ArgumentMatch =
  | 'ignore'
  | 'exact'
  | 'subset'
  | ((expected: Record<string, unknown> | undefined, actual: unknown, name: string) => boolean);

/** Options of {@link toolTrajectory}. */
export type ToolTrajectoryOptions = {
  /** @defaultValue `'exact'` */
  match?: TrajectoryMatch | undefined;
  /** @defaultValue `'subset'` */
  args?: ArgumentMatch | undefined;
};

// A scorer gates CI and its options often come from a config file: a value it does not know is
// refused (attack13). `match: 'any_order'` fell through to the `subset` rule, so extra calls
// passed; `args: 'exactly'` compared as `subset`.
const trajectoryOptions: DeclaredOptions<ToolTrajectoryOptions> =
  defineOptions<ToolTrajectoryOptions>({
    name: 'toolTrajectory',
    example: "{ match: 'in-order', args: 'exact' }",
    checks: {
      match: oneOfOption(['exact', 'in-order', 'any-order', 'subset']),
      args: optionCheck(
        (value) =>
          value === 'ignore' ||
          value === 'exact' ||
          value === 'subset' ||
          typeof value === 'function',
        (path) =>
          `${path} must be 'ignore', 'exact', 'subset' or a function (expected, actual, name).`,
      ),
    },
  });

/**
 * Scores the run's tool calls against `expected.toolCalls` (skips a case without them). The score
 * is the share of expected calls matched (1 for an exact pass); the reason names the first
 * call missing or extra.
 */
export function toolTrajectory(options: ToolTrajectoryOptions = {}): Scorer {
  // Each option read once (attack20): a getter gave the check 'subset' and the scorer a string.
  const checked = checkOptionsCopy(trajectoryOptions, options);
  const match = checked.match ?? 'exact';
  const argRule = checked.args ?? 'subset';
  const name = `tool-trajectory(${match})`;
  const same = (expected: ExpectedToolCall, actual: EvalToolCall): boolean => {
    if (expected.name !== actual.name) return false;
    if (argRule === 'ignore') return true;
    if (typeof argRule === 'function') return argRule(expected.args, actual.args, actual.name);
    if (expected.args === undefined) return true;
    return argRule === 'exact'
      ? firstDifference(expected.args, actual.args) === undefined
      : isSubsetOf(expected.args, actual.args);
  };
  return {
    name,
    score({ evalCase, run }) {
      const expected = evalCase.expected?.toolCalls;
      if (expected === undefined) return undefined;
      const actual = run.toolCalls;
      const verdict = judgeTrajectory(match, expected, actual, same);
      const score =
        expected.length === 0 ? (verdict.pass ? 1 : 0) : verdict.matched / expected.length;
      return {
        scorer: name,
        score: verdict.pass ? 1 : Math.min(score, 0.99),
        pass: verdict.pass,
        reason: verdict.reason,
      };
    },
  };
}

function judgeTrajectory(
  match: TrajectoryMatch,
  expected: ExpectedToolCall[],
  actual: EvalToolCall[],
  same: (expected: ExpectedToolCall, actual: EvalToolCall) => boolean,
): { pass: boolean; matched: number; reason: string } {
  const names = (calls: { name: string }[]): string =>
    calls.map((call) => call.name).join(', ') || 'none';
  if (match === 'exact' || match === 'in-order') {
    let matched = 0;
    let cursor = 0;
    for (const call of expected) {
      let found = -1;
      if (match === 'exact') {
        found = cursor < actual.length && same(call, actual[cursor] as EvalToolCall) ? cursor : -1;
      } else {
        for (let i = cursor; i < actual.length; i++) {
          if (same(call, actual[i] as EvalToolCall)) {
            found = i;
            break;
          }
        }
      }
      if (found < 0) {
        const got = actual[cursor];
        return {
          pass: false,
          matched,
          reason: `expected call ${matched + 1} ${call.name}(${quote(call.args ?? {})}), got ${
            got === undefined ? 'no more calls' : `${got.name}(${quote(got.args)})`
          }; calls: ${names(actual)}`,
        };
      }
      matched++;
      cursor = found + 1;
    }
    if (match === 'exact' && actual.length > expected.length) {
      const extra = actual[expected.length] as EvalToolCall;
      return {
        pass: false,
        matched,
        reason: `unexpected extra call ${extra.name}(${quote(extra.args)}); calls: ${names(actual)}`,
      };
    }
    return {
      pass: true,
      matched,
      reason: `calls ${match === 'exact' ? 'equal' : 'in order'}: ${names(actual)}`,
    };
  }
  const left = [...actual];
  let matched = 0;
  for (const call of expected) {
    const index = left.findIndex((candidate) => same(call, candidate));
    if (index < 0) {
      return {
        pass: false,
        matched,
        reason: `expected call ${call.name}(${quote(call.args ?? {})}) not made; calls: ${names(actual)}`,
      };
    }
    left.splice(index, 1);
    matched++;
  }
  if (match === 'any-order' && left.length > 0) {
    return { pass: false, matched, reason: `unexpected extra calls: ${names(left)}` };
  }
  return { pass: true, matched, reason: `every expected call made: ${names(actual)}` };
}

/**
 * Every tool call the model made had valid arguments for a declared tool: no `invalid-args` or
 * `unknown-tool` outcome. A run without calls passes.
 */
export function toolArgumentsValid(): Scorer {
  return {
    name: 'tool-args-valid',
    score({ run }) {
      const bad = run.toolCalls.filter(
        (call) => call.outcome === 'invalid-args' || call.outcome === 'unknown-tool',
      );
      const total = run.toolCalls.length;
      return {
        scorer: 'tool-args-valid',
        score: total === 0 ? 1 : (total - bad.length) / total,
        pass: bad.length === 0,
        reason:
          bad.length === 0
            ? `${total} call(s), all valid`
            : bad
                .map(
                  (call) =>
                    `${call.name}: ${call.outcome}${call.error === undefined ? '' : ` (${cutText(call.error, 160)})`}`,
                )
                .join('; '),
      };
    },
  };
}

/** Options of {@link grounded}. */
export type GroundedOptions = {
  /** The share of successful calls whose facts the answer must use, 0 to 1. @defaultValue 1 */
  threshold?: number | undefined;
  /** The shortest string counted as a fact, at least 1. @defaultValue 2 */
  minLength?: number | undefined;
};

// `minLength: 0` counted the empty string as a fact, found in every answer (every result "used"),
// and `threshold: -1` passed every run (attack13).
const groundedOptions: DeclaredOptions<GroundedOptions> = defineOptions<GroundedOptions>({
  name: 'grounded',
  example: '{ threshold: 0.5 }',
  checks: {
    threshold: numberOption({
      min: 0,
      max: 1,
      message: (path) => `${path} must be a share from 0 to 1 of the tool results used.`,
    }),
    minLength: integerOption({ min: 1 }),
  },
});

/**
 * "The answer uses the tool results": the share of tool outputs whose facts (strings of at least
 * `minLength` characters and numbers found as leaves of the output) appear in the answer; passes
 * when at least `threshold` of the successful calls are used. Skips a run without tool outputs.
 */
export function grounded(options: GroundedOptions = {}): Scorer {
  const checked = checkOptionsCopy(groundedOptions, options);
  const threshold = checked.threshold ?? 1;
  const minLength = checked.minLength ?? 2;
  return {
    name: 'grounded',
    score({ run }) {
      const outputs = run.toolCalls.filter((call) => call.outcome === 'success');
      if (outputs.length === 0) return undefined;
      const answer = run.turns.join('\n').toLowerCase();
      const unused: string[] = [];
      let used = 0;
      for (const call of outputs) {
        const facts = leaves(call.output, minLength, 0);
        if (facts.some((fact) => answer.includes(fact.toLowerCase()))) used++;
        else unused.push(call.name);
      }
      const score = used / outputs.length;
      return {
        scorer: 'grounded',
        score,
        pass: score >= threshold,
        reason:
          unused.length === 0
            ? `the answer uses every tool result (${outputs.length})`
            : `the answer uses no fact of ${unused.join(', ')}`,
      };
    },
  };
}

/** The string and number leaves of a value (depth and count bounded: a tool output is hostile). */
function leaves(value: unknown, minLength: number, depth: number, out: string[] = []): string[] {
  if (out.length >= 1000 || depth > 20) return out;
  if (typeof value === 'string') {
    if (value.trim().length >= minLength) out.push(value.trim().slice(0, 500));
  } else if (typeof value === 'number' && Number.isFinite(value)) {
    out.push(String(value));
  } else if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) leaves(item, minLength, depth + 1, out);
  }
  return out;
}
