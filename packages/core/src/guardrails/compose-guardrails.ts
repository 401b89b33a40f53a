import type { PluginHookRecorder } from '../agent/plugins/run-plugins.ts';
import { callAtDepth, runningDepth } from '../agent/run-state/run-link.ts';
import { fromToolResultMark, toolResultMark } from '../tools/responses/tool-result-mark.ts';
import type {
  InputGuardrail,
  OutputGuardrail,
  ToolGuardrail,
  ToolGuardrailCall,
  ToolOutputGuardrailVerdict,
} from './guardrail.ts';
import {
  DEFAULT_GUARDRAIL_TIMEOUT_MS,
  type GuardrailOptions,
  type ResolvedGuardrails,
} from './guardrail-options.ts';

/** One level of a run's guardrails: a value's options, or only its tool checks (`tools`). @internal */
export type GuardrailLevel = { readonly options: GuardrailOptions; readonly tools: boolean };

/** A run's guardrails, its levels joined (see {@link composeGuardrails}). @internal */
export type ComposedGuardrails = ResolvedGuardrails;

/**
 * Joins guardrails, outermost first (handed down, agent, session, run): lists are concatenated in
 * that order (the input and output checks and the rewrite from the levels of options, the tool
 * checks from the levels of tool checks), the innermost setting given wins. `undefined` when
 * there is no level. With `record` (a durable runner's recorder of the plugin seam, the one
 * `@gemloop/dbos` passes to every run of its tree) each check runs as one recorded step (see
 * {@link recordedCheck}). @internal
 */
export function composeGuardrails(
  levels: readonly GuardrailLevel[],
  record: PluginHookRecorder | undefined,
): ComposedGuardrails | undefined {
  const input: InputGuardrail[] = [];
  const output: OutputGuardrail[] = [];
  const tools: ToolGuardrail[] = [];
  let timeoutMs = DEFAULT_GUARDRAIL_TIMEOUT_MS;
  let failOpen = false;
  let holdBack = false;
  let onToolError: ResolvedGuardrails['onToolError'];
  if (levels.length === 0) return undefined;
  for (const { options, tools: toolsOnly } of levels) {
    if (toolsOnly) {
      if (options.tools !== undefined) tools.push(...options.tools);
    } else {
      if (options.input !== undefined) input.push(...options.input);
      if (options.output !== undefined) output.push(...options.output);
      if (options.holdBack !== undefined) holdBack = options.holdBack;
      if (options.onToolError !== undefined) onToolError = options.onToolError;
    }
    if (options.timeoutMs !== undefined) timeoutMs = options.timeoutMs;
    if (options.onTimeout !== undefined) failOpen = options.onTimeout === 'fail-open';
  }
  const joined = { timeoutMs, failOpen, holdBack, onToolError };
  if (record === undefined) return { ...joined, input, output, tools };
  return {
    ...joined,
    input: input.map((guardrail) => ({
      ...guardrail,
      check: recordedCheck(record, `${guardrail.name}@input`, guardrail.check),
    })),
    output: output.map((guardrail) => ({
      ...guardrail,
      check: recordedCheck(record, `${guardrail.name}@output`, guardrail.check),
    })),
    tools: tools.map((guardrail) => recordedTool(record, guardrail)),
  };
}

/**
 * A check whose verdict is recorded (`gemloop.guardrail:<label>`): a verdict is not
 * deterministic (a classifier is a model call), so a durable replay after a crash gets the
 * recorded verdict instead of asking again (another answer: another history). A check that threw
 * is recorded too and thrown again on replay (name and message), so it fails closed the same way
 * both times. The time limit runs around the recorded step (`runGuardrailCheck`), as before.
 */
function recordedCheck<Value, Context, Verdict>(
  record: PluginHookRecorder,
  label: string,
  check: (value: Value, context: Context) => Verdict,
): (value: Value, context: Context) => Verdict {
  return (value, context) => {
    // The guarded run's depth, set around this call by runGuardrailCheck: a durable recorder runs
    // the body after an await (DBOS's step reads its record first), where it is gone, and an
    // agent.run() the check makes would start at depth 0, one cycle more (leftovers54).
    const depth = runningDepth() - 1;
    return record(`guardrail:${label}`, async () =>
      callAtDepth(depth, (checked: Value) => check(checked, context), value),
    ) as Verdict;
  };
}

/** A tool guardrail whose checks are recorded per call (its step and call id name the record). */
function recordedTool(record: PluginHookRecorder, guardrail: ToolGuardrail): ToolGuardrail {
  const { before, after } = guardrail;
  const place = (call: ToolGuardrailCall): string => `${call.stepNumber}:${call.toolCallId}`;
  return {
    ...guardrail,
    before:
      before === undefined
        ? undefined
        : (call, context) =>
            recordedCheck(
              record,
              `${guardrail.name}@tool-input.${place(call)}`,
              before,
            )(call, context),
    after:
      after === undefined
        ? undefined
        : async (call, context) =>
            fromMarkedVerdict(
              await recordedCheck(
                record,
                `${guardrail.name}@tool-output.${place(call)}`,
                async (value: typeof call, given: typeof context) =>
                  markedVerdict(await after(value, given)),
              )(call, context),
            ),
  };
}

/** A `replace` verdict as its record holds it: with whether its result was a toolResult(). */
type MarkedVerdict =
  | ToolOutputGuardrailVerdict
  | { type: 'replace'; result: unknown; toolResult?: unknown };

/**
 * A tool guardrail's `replace` verdict with its result's toolResult() mark beside it: the record
 * is JSON, which loses the mark, and a durable recorder hands back its copy on the first run too
 * (toolresult45).
 */
function markedVerdict(verdict: ToolOutputGuardrailVerdict): MarkedVerdict {
  if (verdict?.type !== 'replace') return verdict;
  const mark = toolResultMark(verdict.result);
  return mark === undefined ? verdict : { ...verdict, toolResult: mark };
}

/** A recorded `replace` verdict with its result made again as its mark says (none: by the shape). */
function fromMarkedVerdict(verdict: MarkedVerdict): ToolOutputGuardrailVerdict {
  if (verdict?.type !== 'replace') return verdict;
  const { toolResult: mark, ...rest } = verdict as { toolResult?: unknown; result: unknown };
  return { ...rest, type: 'replace', result: fromToolResultMark(rest.result, mark) };
}
