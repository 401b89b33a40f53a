import type { AgentPlugin, PluginRun } from '../agent/plugins/agent-plugin.ts';
import { definePlugin } from '../agent/plugins/define-plugin.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import {
  booleanOption,
  checkedWhereUsed,
  copyOptions,
  type DeclaredOptions,
  defineOptions,
  describeValue,
  withDefaults,
} from '../options/define-options.ts';
import {
  type CallRecord,
  type CallRecords,
  callSignature,
  readCalls,
  STEER_KEY,
  sameAnswer,
} from './call-records.ts';
import { type LoopGuardReason, loopGuardReasons } from './loop-guard-reasons.ts';

/** How many recent answered calls the guard compares. */
export const DEFAULT_LOOP_GUARD_WINDOW = 10;
/** The same call answered the same way this many times: the next one is steered. */
export const DEFAULT_LOOP_GUARD_MAX_REPEATS = 3;
/** Steers the model may ignore for one pattern before the run ends. */
export const DEFAULT_LOOP_GUARD_MAX_STEERS = 1;

/**
 * The defaults of {@link LoopGuardOptions}, declared once (a test holds the type's
 * `@defaultValue`s to them). @internal
 */
export const LOOP_GUARD_DEFAULTS: {
  readonly window: number;
  readonly maxRepeats: number;
  readonly maxSteers: number;
  readonly inherit: boolean;
} = {
  window: DEFAULT_LOOP_GUARD_WINDOW,
  maxRepeats: DEFAULT_LOOP_GUARD_MAX_REPEATS,
  maxSteers: DEFAULT_LOOP_GUARD_MAX_STEERS,
  inherit: true,
};

/** Options of {@link loopGuard}. */
export type LoopGuardOptions = {
  /**
   * How many of the run's latest answered calls are compared.
   * @defaultValue 10
   */
  window?: number | undefined;
  /**
   * How many times in a row the same call (same tool, same arguments after canonical JSON) may
   * get the same response within the window; the next such call is steered. An alternating pair
   * is steered when it took turns this many rounds; a call that failed the same way this many
   * times in a row likewise.
   * @defaultValue 3
   */
  maxRepeats?: number | undefined;
  /**
   * How many steers of one pattern the model may ignore: the next repeat ends the run
   * (`finishReason: 'plugin'`, `stoppedBy.reason` one of {@link loopGuardReasons}).
   * @defaultValue 1
   */
  maxSteers?: number | undefined;
  /**
   * Tools that are meant to be called again and again with the same arguments (a job's status, a
   * queue): never steered for repeating or alternating, only for failing the same way. A poll
   * whose response changes is never a repeat in any case.
   */
  polls?: readonly string[] | undefined;
  /**
   * Also guard the subagents the run starts, each with its own count.
   * @defaultValue true
   */
  inherit?: boolean | undefined;
};

/** What the guard keeps per run. */
type GuardState = CallRecords & { steers: Map<string, number> };

type Verdict = { reason: LoopGuardReason; last: CallRecord; repeats: number; other?: CallRecord };

/**
 * A plugin that notices the model looping — the same call answered the same way again and again,
 * two calls taking turns, a call that keeps failing the same way — and first steers: the
 * looping call is not run, and its function response tells the model what it is repeating and
 * what it already got (`{ loopGuard: '<what to do instead>', lastResponse }`). If the model goes
 * on after `maxSteers` steers, the run ends with `finishReason: 'plugin'` and
 * `stoppedBy: { plugin: 'loop-guard', reason }` (see {@link loopGuardReasons}). Each steer and
 * the end are `plugin` events (`kind: 'steer' | 'finish'`, with the reason, the tool and the
 * count; never the arguments).
 *
 * It reads only the run's history, so it needs no clock and nothing recorded: a durable run
 * replays it as it ran. A legitimate poll is not stopped: a repeat is a call whose response did
 * not change, and tools listed in `polls` are never steered for repeating.
 *
 * @example
 * ```ts
 * import { loopGuard, loopGuardReasons } from '@gemloop/core/loop-guard';
 * const agent = createAgent({ gemini, model, tools, plugins: [loopGuard({ polls: ['job_status'] })] });
 * const result = await agent.run('Find the invoice');
 * if (result.stoppedBy?.reason === loopGuardReasons.repeatedCall) console.warn('looped');
 * ```
 */
export function loopGuard(options: LoopGuardOptions = {}): AgentPlugin<GuardState> {
  // Each option read once (attack20): a getter gave the check maxRepeats 3 and the guard NaN.
  const { window, maxRepeats, maxSteers, polls, inherit } = checkOptions(copyOptions(options));
  const pollSet = new Set(polls);
  return definePlugin<GuardState>({
    name: 'loop-guard',
    inherit,
    startRun: () => ({ records: [], read: 0, open: [], steers: new Map() }),
    beforeToolCall(call, run) {
      const records = readCalls(run.state, run.contents, window);
      const signature = callSignature(call.toolName, call.args);
      // Arguments too large to compare (past 100,000 values, or a value that holds itself):
      // like no other call, never a repeat. The tool decides what to make of them.
      if (signature === undefined) return undefined;
      const verdict = judge(records, signature, call.toolName, maxRepeats, pollSet);
      if (verdict === undefined) return undefined;
      // One count per pattern: a pair's two calls share theirs.
      const pattern =
        verdict.other === undefined
          ? signature
          : [signature, verdict.other.signature].sort().join('\u0000');
      return { type: 'result', result: steer(run, verdict, pattern, maxSteers) };
    },
  });
}

/** The pattern the next call `signature` would continue, if any. */
function judge(
  records: readonly CallRecord[],
  signature: string,
  toolName: string,
  maxRepeats: number,
  polls: ReadonlySet<string>,
): Verdict | undefined {
  const same = records.filter((record) => record.signature === signature);
  const last = same.at(-1);
  if (last === undefined) return undefined;
  // The latest answers that were all the same: a call whose answer moved since is making progress
  // until it stops moving again.
  let repeats = 0;
  while (repeats < same.length && sameAnswer(same[same.length - 1 - repeats] as CallRecord, last))
    repeats++;
  if (last.failed)
    return repeats < maxRepeats
      ? undefined
      : { reason: loopGuardReasons.repeatedFailure, last, repeats };
  if (polls.has(toolName)) return undefined;
  // A pair taking turns is steered when its call comes round the maxRepeats-th time, before
  // either call alone repeated often enough to be a repeat on its own.
  const other = alternatingWith(records, signature, maxRepeats, polls);
  if (other !== undefined)
    return { reason: loopGuardReasons.alternatingCalls, last, repeats: maxRepeats, other };
  if (repeats < maxRepeats) return undefined;
  return { reason: loopGuardReasons.repeatedCall, last, repeats };
}

/**
 * The other call of an A, B, A, B… run that `signature` would continue (the last
 * `2 × maxRepeats - 1` calls taking turns, each answered the same way), if there is one.
 */
function alternatingWith(
  records: readonly CallRecord[],
  signature: string,
  maxRepeats: number,
  polls: ReadonlySet<string>,
): CallRecord | undefined {
  const length = 2 * maxRepeats - 1;
  if (records.length < length) return undefined;
  const tail = records.slice(-length);
  const other = tail.at(-1) as CallRecord;
  if (other.signature === undefined || other.signature === signature || polls.has(other.toolName))
    return undefined;
  const mine = tail.at(-2) as CallRecord;
  if (mine.signature !== signature) return undefined;
  for (let at = tail.length - 1; at >= 0; at--) {
    const record = tail[at] as CallRecord;
    const expected = (tail.length - 1 - at) % 2 === 0 ? other : mine;
    if (record.signature !== expected.signature || !sameAnswer(record, expected)) return undefined;
  }
  return other;
}

/** The steer the model gets instead of running the call; the run's end when it ignored enough. */
function steer(
  run: PluginRun<GuardState>,
  verdict: Verdict,
  pattern: string,
  maxSteers: number,
): Record<string, unknown> {
  const key = `${verdict.reason}\u0000${pattern}`;
  const steers = run.state.steers.get(key) ?? 0;
  const ending = steers >= maxSteers;
  run.state.steers.set(key, steers + 1);
  const data: Record<string, unknown> = {
    reason: verdict.reason,
    toolName: verdict.last.toolName,
    repeats: verdict.repeats,
    steers: steers + 1,
  };
  if (verdict.other !== undefined) data['otherToolName'] = verdict.other.toolName;
  run.emit(ending ? 'finish' : 'steer', data);
  if (ending) run.finish(verdict.reason);
  return { [STEER_KEY]: message(verdict, ending), lastResponse: verdict.last.response };
}

function message({ reason, last, repeats, other }: Verdict, ending: boolean): string {
  const tool = last.toolName;
  const end = ending ? ' You were told this before and called it again, so the run ends here.' : '';
  if (reason === loopGuardReasons.repeatedFailure)
    return `This call was not run: ${tool} with these arguments failed the same way ${repeats} times (lastResponse is the error). Do not retry it unchanged: fix the arguments, use another tool, or tell the user what failed.${end}`;
  if (reason === loopGuardReasons.alternatingCalls)
    return `This call was not run: you have been alternating between ${tool} and ${other?.toolName ?? tool} with the same arguments ${repeats} times each, and got the same responses every time (lastResponse is what this call returned). Calling them again will not change that: use what you have, change the arguments, or give your answer.${end}`;
  return `This call was not run: you called ${tool} with these same arguments ${repeats} times and got the same response every time (lastResponse). Calling it again will not change it: use that response, call it with different arguments, or give your answer.${end}`;
}

// Unknown keys refused, naming the one meant (attack13): a misspelt `maxRepeat` kept the default
// without a word. Each value is checked below.
const loopGuardKeys: DeclaredOptions<LoopGuardOptions> = defineOptions<LoopGuardOptions>({
  name: 'loopGuard',
  example: '{ maxRepeats: 3 }',
  checks: {
    window: checkedWhereUsed,
    maxRepeats: checkedWhereUsed,
    maxSteers: checkedWhereUsed,
    polls: checkedWhereUsed,
    inherit: booleanOption(),
  },
});

/** Checks the options and applies {@link LOOP_GUARD_DEFAULTS}. */
function checkOptions(
  options: LoopGuardOptions,
): typeof LOOP_GUARD_DEFAULTS & Pick<LoopGuardOptions, 'polls'> {
  if (typeof options !== 'object' || options === null)
    throw new InvalidArgumentError({
      argument: 'loopGuard(options)',
      message: 'loopGuard(options) takes an object, e.g. loopGuard({ maxRepeats: 3 }).',
    });
  loopGuardKeys.check(options);
  for (const name of ['window', 'maxRepeats', 'maxSteers'] as const) {
    const value = options[name];
    const least = name === 'maxSteers' ? 0 : 1;
    if (value !== undefined && (!Number.isInteger(value) || value < least))
      throw new InvalidArgumentError({
        argument: `loopGuard.${name}`,
        message: `loopGuard.${name} must be a whole number of at least ${least}; got ${describeValue(value)}.`,
      });
  }
  const values = withDefaults(LOOP_GUARD_DEFAULTS, options);
  const { window, maxRepeats } = values;
  if (window < maxRepeats)
    throw new InvalidArgumentError({
      argument: 'loopGuard.window',
      message: `loopGuard.window (${window}) must be at least maxRepeats (${maxRepeats}): the guard cannot count more repeats than the calls it keeps.`,
    });
  const polls = Array.isArray(options.polls) ? [...options.polls] : options.polls;
  if (
    polls !== undefined &&
    (!Array.isArray(polls) || polls.some((name) => typeof name !== 'string'))
  )
    throw new InvalidArgumentError({
      argument: 'loopGuard.polls',
      message: "loopGuard.polls must be a list of tool names, e.g. polls: ['job_status'].",
    });
  return { ...values, polls };
}
