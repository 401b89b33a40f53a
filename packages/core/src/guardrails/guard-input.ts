import { GuardrailTrippedError } from '../agent/errors/guardrail-tripped-error.ts';
import { followSignal } from '../agent/follow-signal.ts';
import { modelCallOptions } from '../agent/loop/call-model.ts';
import { callModelStep } from '../agent/loop/call-model-step.ts';
import type {
  InputCheckResult,
  RunContext,
  TextDeltaHold,
} from '../agent/run-state/run-context.ts';
import type { AgentStep } from '../run/agent-result.ts';
import type { Content } from '../wire/content.ts';
import { checkInputGuardrails } from './check-input-guardrails.ts';
import type { InputGuardrail } from './guardrail.ts';
import { guardrailRunOptions } from './guardrail-run-options.ts';

/** Applies an input check's result: a rewrite replaces the new input; a trip throws. */
function apply<Output>(context: RunContext<Output>, result: InputCheckResult): void {
  const { run } = context;
  if (result.type === 'trip') {
    throw new GuardrailTrippedError({
      guardrailName: result.name,
      phase: 'input',
      reason: context.config.redact(result.reason),
      run: run.state(),
    });
  }
  if (result.type === 'rewrite') {
    run.contents.splice(run.inputLength, run.contents.length - run.inputLength, ...result.contents);
  }
}

/**
 * The first model step of a run with input guardrails. The sequential ones run first (a trip
 * ends the run before any model call). The `runInParallel` ones run beside the model call: the
 * call's signal follows the run's and is aborted the moment one trips, and the step is returned
 * only once they all passed, so no tool of it starts before (a side effect cannot be undone). A
 * rewrite from a parallel guardrail sends the first call again with the new input (the first
 * call's usage stays counted).
 *
 * @throws {@link GuardrailTrippedError} (`phase: 'input'`) with the usage so far.
 * @internal
 */
export async function guardedFirstStep<Output>(
  context: RunContext<Output>,
  stepNumber: number,
  held: TextDeltaHold | undefined,
  // What a plugin's beforeModelCall sends instead of the history. A rewritten input is sent as
  // the history holds it (what the plugin saw is gone).
  contents?: readonly Content[] | undefined,
  // The model a plugin's wrapModelCall sent the call to (`undefined`: the agent's).
  model?: string | undefined,
  // The cached content it sent the call with (the prompt cache's; `undefined`: none). A rewritten
  // input is sent with it too: the cache holds the instructions and tools, not the input.
  cachedContent?: string | undefined,
): Promise<AgentStep> {
  const { run, guardrails } = context;
  const all = (guardrails?.input ?? []) as readonly InputGuardrail[];
  const newInput = run.contents.slice(run.inputLength);
  const sequential = all.filter((guardrail) => guardrail.runInParallel !== true);
  const parallel = all.filter((guardrail) => guardrail.runInParallel === true);
  const options = guardrailRunOptions(context, stepNumber);
  if (sequential.length > 0)
    apply(context, await checkInputGuardrails(sequential, newInput, false, options));
  if (parallel.length === 0 || context.signal.aborted)
    return callModelStep(context, { stepNumber, kind: 'tools', contents, model, cachedContent });

  // This is the run's first model call, whose step may have compacted the history with the
  // input as it was (the compaction's plugin, before this call): a rewrite is sent without that
  // compaction (else the old input would be what is sent). A run starts uncompacted.
  const compactionMark = { compacted: undefined, through: 0, count: 0 };
  const controller = new AbortController();
  const unfollow = followSignal(context.signal, controller);
  const callContext: RunContext<Output> = {
    ...context,
    signal: controller.signal,
    callOptions: modelCallOptions(context.config.callOptions, controller.signal),
  };
  const checking = checkInputGuardrails(
    parallel,
    run.contents.slice(run.inputLength),
    true,
    options,
  ).then((result) => {
    if (result.type === 'trip')
      controller.abort(new Error(`input guardrail "${result.name}" tripped`));
    return result;
  });
  const calling = callModelStep(callContext, {
    stepNumber,
    kind: 'tools',
    contents,
    model,
    cachedContent,
  }).then(
    (step) => ({ ok: true as const, step }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  try {
    const checked = await checking;
    const called = await calling;
    // A call that answered but whose step is thrown away (a trip, or a rewrite sent again) never
    // reaches endStep: the run and the tree's cost counted it, the tree's tokens count it here.
    const budget = context.link.budget;
    if (called.ok && checked.type !== 'pass' && budget !== undefined)
      budget.tokens += called.step.usage.totalTokenCount;
    // The call's text is not the answer now: a held one is dropped; a stream without `holdBack`
    // may have shown the aborted call's first text: withdraw it.
    if (checked.type !== 'pass') held?.discard(stepNumber);
    if (checked.type === 'trip' && context.streaming && held === undefined)
      context.emit?.({ type: 'guardrail-retraction', stepNumber, name: checked.name, text: '' });
    // A trip wins over what the aborted call failed with; callModelStep counted its usage.
    apply(context, checked);
    if (checked.type === 'rewrite') {
      run.restoreCompaction(compactionMark);
      return callModelStep(context, { stepNumber, kind: 'tools', model, cachedContent });
    }
    if (!called.ok) throw called.error;
    return called.step;
  } finally {
    unfollow();
  }
}
