import type { GuardrailsValue } from '../agent/config/guardrails-value.ts';
import type { PluginHookRecorder } from '../agent/plugins/run-plugins.ts';
import type { EngineGuardrails, GuardrailEngine } from '../agent/run-state/run-context.ts';
import type {
  InputGuardrail,
  OutputGuardrail,
  ToolGuardrail,
  ToolGuardrailCall,
} from './guardrail.ts';
import {
  DEFAULT_GUARDRAIL_TIMEOUT_MS,
  type Guardrails,
  type ResolvedGuardrails,
} from './guardrail-options.ts';

/**
 * A run's guardrails as `composeGuardrails` makes them: what the loop reads (its
 * `EngineGuardrails`) with the implementation's own lists, and the tool checks as given (not
 * recorded), which a run's children inherit and record in their own run. @internal
 */
export type ComposedGuardrails = ResolvedGuardrails & {
  readonly engine: GuardrailEngine;
  readonly givenTools: readonly ToolGuardrail[];
};

/**
 * Joins guardrails, outermost first (agent, session, run): lists are concatenated in that
 * order, the innermost setting given wins. `undefined` when there is nothing to check or rewrite,
 * so a run without guardrails pays nothing. With `record` (a durable runner's recorder of the
 * plugin seam, the one `@gemloop/dbos` passes to every run of its tree) each check runs as one
 * recorded step (see {@link recordedCheck}). @internal
 */
export function composeGuardrails(
  layers: readonly (GuardrailsValue | undefined)[],
  record: PluginHookRecorder | undefined,
): ComposedGuardrails | undefined {
  const input: InputGuardrail[] = [];
  const output: OutputGuardrail[] = [];
  const tools: ToolGuardrail[] = [];
  let timeoutMs = DEFAULT_GUARDRAIL_TIMEOUT_MS;
  let failOpen = false;
  let holdBack = false;
  let onToolError: ResolvedGuardrails['onToolError'];
  let engine: GuardrailEngine | undefined;
  for (const layer of layers) {
    if (layer === undefined) continue;
    // Every value comes from guardrails(), whose engine this is (isGuardrails checked the shape).
    engine = layer.engine as GuardrailEngine;
    const options = (layer as Guardrails).options;
    if (options.input !== undefined) input.push(...options.input);
    if (options.output !== undefined) output.push(...options.output);
    if (options.tools !== undefined) tools.push(...options.tools);
    if (options.timeoutMs !== undefined) timeoutMs = options.timeoutMs;
    if (options.onTimeout !== undefined) failOpen = options.onTimeout === 'fail-open';
    if (options.holdBack !== undefined) holdBack = options.holdBack;
    if (options.onToolError !== undefined) onToolError = options.onToolError;
  }
  if (engine === undefined) return undefined;
  const joined = { timeoutMs, failOpen, holdBack, onToolError, engine, givenTools: tools };
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
  return (value, context) =>
    record(`guardrail:${label}`, async () => check(value, context)) as Verdict;
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
        : (call, context) =>
            recordedCheck(
              record,
              `${guardrail.name}@tool-output.${place(call)}`,
              after,
            )(call, context),
  };
}

/** What a run's children inherit of its guardrails: the tool checks and their time limit. @internal */
export function inheritableGuardrails(guardrails: EngineGuardrails): Guardrails | undefined {
  const composed = guardrails as ComposedGuardrails;
  if (composed.givenTools.length === 0) return undefined;
  return {
    kind: 'guardrails',
    engine: composed.engine,
    options: {
      tools: composed.givenTools,
      timeoutMs: composed.timeoutMs,
      onTimeout: composed.failOpen ? 'fail-open' : 'fail-closed',
    },
  };
}
