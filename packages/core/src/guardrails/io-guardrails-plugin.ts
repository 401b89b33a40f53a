import { AgentAbortedError } from '../agent/errors/agent-aborted-error.ts';
import type {
  AgentPlugin,
  InputCheck,
  InputDraft,
  PluginRun,
} from '../agent/plugins/agent-plugin.ts';
import { definePlugin } from '../agent/plugins/define-plugin.ts';
import { internalsOf } from '../agent/plugins/run-view/plugin-run-view.ts';
import type { RunContext } from '../agent/run-state/run-context.ts';
import type { Content } from '../wire/content.ts';
import { checkInputInOrder } from './check-added-input.ts';
import { checkInputGuardrails } from './check-input-guardrails.ts';
import { checkOutputGuardrails } from './check-output-guardrails.ts';
import type { ComposedGuardrails } from './compose-guardrails.ts';
import type { InputGuardrail, OutputGuardrail } from './guardrail.ts';
import type { InputCheckResult } from './guardrail-check-results.ts';
import type { GuardrailOptions } from './guardrail-options.ts';
import { guardrailRunOptions } from './guardrail-run-options.ts';
import { guardrailsOf } from './guardrails-of.ts';
import { HeldTextDeltas } from './held-text-deltas.ts';
import { holdsTextBack } from './holds-text-back.ts';

/** What the plugin keeps for a run: the stream's text it holds (`holdBack`), once events flow. */
type IoGuardrailsState = { held: HeldTextDeltas | undefined };

/**
 * The holding context of the run (its agent's name and clock, the history, the signal). Private
 * on purpose (issue 53, b): the user's guardrail functions get the agent's `name` option as given
 * (possibly unset) and its injectable clock, and an abort ends the run as `AgentAbortedError`
 * with its state, as before guardrails were plugins; a third party's checks read `run.agentName`,
 * `run.contents`, `run.signal`, and stop the run with `run.trip`.
 */
function contextOf(run: PluginRun<unknown>): RunContext<unknown> {
  return internalsOf(run).context() as RunContext<unknown>;
}

/**
 * The input and output guardrails (and `holdBack`) as a plugin of the seam: `checkInput` runs
 * the input guardrails on the run's input (the sequential ones before the first model call, the
 * `runInParallel` ones beside it) and on every content a plugin adds (`run.addInput`: a steer);
 * `checkAnswer` runs the output guardrails on the answer before it joins the history; `wrapEvents`
 * holds a stream's text until they passed it. One stateless object: it reads the run's levels of
 * guardrails from its plugins at each hook (`guardrailsOf`: the agent holding it joined with the
 * run's own), so after a hand-off the receiving agent's output guardrails check its answers. Each check records
 * itself through the run's recorder (`composeGuardrails`), so the hooks are not `recorded`.
 * @internal
 */
export const ioGuardrailsPlugin: AgentPlugin<IoGuardrailsState> = definePlugin<IoGuardrailsState>({
  name: 'gemloop.guardrails.io',
  // Its checks come before every other plugin's, wherever the guardrails are given (an agent's, a
  // chat session's, a run's): a third party's `checkInput` and `checkAnswer` see their rewrites.
  order: 'first',
  startRun: () => ({ held: undefined }),
  checkInput(input, run) {
    const guardrails = guardrailsOf(run);
    if (guardrails === undefined || guardrails.input.length === 0) return undefined;
    const context = contextOf(run);
    return input.source === 'added'
      ? checkAdded(context, input, run, guardrails)
      : checkRunInput(context, input, run, guardrails);
  },
  wrapEvents(emit, run) {
    const guardrails = guardrailsOf(run);
    // A stream's text only: a unary run shows none (its observers see its events as they are).
    if (!run.streaming || guardrails === undefined || !holdsTextBack(guardrails)) return emit;
    const path = run.path;
    const held = new HeldTextDeltas(
      (event) => {
        // What the hold sends itself (a released delta) is the run's own: stamped with its path.
        (event as { path?: unknown }).path ??= path;
        return emit(event as Parameters<typeof emit>[0]);
      },
      { answerOnly: guardrails.output.length > 0 },
    );
    run.state.held = held;
    const children = held.childSink(emit as never) ?? emit;
    return (event) =>
      event.path.length > path.length
        ? (children as typeof emit)(event)
        : held.through(event as never);
  },
  afterModelCall(_step, run) {
    // The step came back: the input guardrails beside its call passed it.
    run.state.held?.inputPassed();
  },
  async checkAnswer(answer, run) {
    const context = contextOf(run);
    const { held } = run.state;
    const stepNumber = answer.step.stepNumber;
    const guardrails = guardrailsOf(run);
    const output: readonly OutputGuardrail[] = guardrails?.output ?? [];
    if (output.length === 0) {
      held?.release(stepNumber);
      return undefined;
    }
    const result = await checkOutputGuardrails(
      output,
      { text: answer.text, output: answer.output },
      guardrailRunOptions(context, stepNumber, run, guardrails),
    );
    if (result.type === 'trip') {
      // Never shown: the hold drops it (and the stream's retraction, which it never needed).
      held?.replace(stepNumber, '');
      return run.trip({ guardrailName: result.name, phase: 'output', reason: result.reason });
    }
    if (result.type === 'aborted') {
      // The answer was never checked: neither returned nor released.
      held?.replace(stepNumber, '');
      throw new AgentAbortedError({
        phase: 'between-steps',
        run: context.run.state(),
        cause: context.signal.reason,
      });
    }
    if (result.type !== 'rewrite') {
      held?.release(stepNumber);
      return undefined;
    }
    const { text, output: rewritten } = result.value;
    // The same text (only the structured output rewritten): nothing to retract, the text goes out.
    if (text === answer.text) held?.release(stepNumber);
    // Else the stream hears a retraction named after the guardrail; a hold sends `text` for it.
    return { text, output: rewritten, by: result.name };
  },
});

/** The run's input: the sequential guardrails now, the `runInParallel` ones beside the first call. */
async function checkRunInput(
  context: RunContext<unknown>,
  input: InputDraft,
  run: PluginRun<IoGuardrailsState>,
  guardrails: ComposedGuardrails,
): Promise<InputCheck | undefined> {
  const all: readonly InputGuardrail[] = guardrails.input;
  const sequential = all.filter((guardrail) => guardrail.runInParallel !== true);
  const parallel = all.filter((guardrail) => guardrail.runInParallel === true);
  const options = guardrailRunOptions(context, input.stepNumber, run, guardrails);
  let contents: readonly Content[] = input.contents;
  let rewritten = false;
  if (sequential.length > 0) {
    const result = await checkInputGuardrails(sequential, [...contents], false, options);
    const applied = applied_(result, run, context);
    if (applied !== undefined) {
      contents = applied;
      rewritten = true;
    }
  }
  if (parallel.length === 0) return rewritten ? { contents } : undefined;
  const verdict = checkInputGuardrails(parallel, [...contents], true, options).then((result) => {
    // A call whose input is not the run's now (a trip, or a rewrite sent again): its held text goes.
    if (result.type === 'trip' || result.type === 'rewrite')
      run.state.held?.discard(input.stepNumber);
    const after = applied_(result, run, context);
    return after === undefined ? undefined : { contents: after };
  });
  return rewritten ? { contents, beside: verdict } : { beside: verdict };
}

/** Contents a plugin adds: every input guardrail, in order, before they join. */
async function checkAdded(
  context: RunContext<unknown>,
  input: InputDraft,
  run: PluginRun<IoGuardrailsState>,
  guardrails: ComposedGuardrails,
): Promise<InputCheck | undefined> {
  const result = await checkInputInOrder(
    guardrails.input,
    input.contents,
    guardrailRunOptions(context, input.stepNumber, run, guardrails),
  );
  const contents = applied_(result, run, context);
  return contents === undefined ? undefined : { contents };
}

/**
 * An input check's result as the seam takes it: a rewrite's contents, `undefined` for a pass; a
 * trip ends the run (`run.trip`, redacted there); an abort ends the check as the run's abort.
 */
function applied_(
  result: InputCheckResult,
  run: PluginRun<IoGuardrailsState>,
  context: RunContext<unknown>,
): readonly Content[] | undefined {
  if (result.type === 'trip')
    return run.trip({ guardrailName: result.name, phase: 'input', reason: result.reason });
  if (result.type === 'aborted')
    throw new AgentAbortedError({
      phase: 'model-call',
      run: context.run.state(),
      cause: context.signal.reason,
    });
  return result.type === 'rewrite' ? result.contents : undefined;
}

/**
 * The plugin a `guardrails` value brings first among an agent's or a run's plugins: this one when
 * it has input or output guardrails (the tool checks are its levels' companion), else none. The
 * same object wherever it comes from, so a run whose agent and own options both bring it runs it
 * once. @internal
 */
export function ioGuardrailsPluginOf(options: GuardrailOptions): AgentPlugin | undefined {
  return (options.input?.length ?? 0) > 0 || (options.output?.length ?? 0) > 0
    ? (ioGuardrailsPlugin as AgentPlugin)
    : undefined;
}
