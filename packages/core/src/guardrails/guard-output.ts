import type { UntaggedAgentEvent } from '../agent/agent-event.ts';
import { AgentAbortedError } from '../agent/errors/agent-aborted-error.ts';
import { GuardrailTrippedError } from '../agent/errors/guardrail-tripped-error.ts';
import type { EmitEvent } from '../agent/run-state/emit-event.ts';
import type { Finish } from '../agent/run-state/finish.ts';
import type { RunContext, TextDeltaHold } from '../agent/run-state/run-context.ts';
import type { AgentStep } from '../run/agent-result.ts';
import { checkOutputGuardrails } from './check-output-guardrails.ts';
import type { OutputGuardrail } from './guardrail.ts';
import { guardrailRunOptions } from './guardrail-run-options.ts';

/**
 * What a stream with `guardrails.holdBack` sends of a run's text: only what the guardrails
 * passed (issue 52). Each step's text deltas wait here. With output guardrails (`answerOnly`) the
 * answer's deltas are replaced by one delta of what the guardrails let through, and the text of a
 * step that goes on to calls or a re-ask is never sent (no guardrail judges it; `result.steps`
 * keeps it), nor is a child run's (a subagent's deltas, and its answer as the output of the
 * parent's `tool-result`, `outputHeld`). Without output guardrails (only input guardrails beside
 * the first call) the deltas wait until those passed, then flow. @internal
 */
export class HeldTextDeltas implements TextDeltaHold {
  private readonly held = new Map<number, string[]>();
  private readonly emit: NonNullable<EmitEvent>;
  private readonly answerOnly: boolean;
  // Without output guardrails, once the input guardrails passed: nothing more to wait for.
  private passing = false;

  constructor(emit: NonNullable<EmitEvent>, { answerOnly }: { answerOnly: boolean }) {
    this.emit = emit;
    this.answerOnly = answerOnly;
  }

  /** The emit the run uses instead of the stream's: text deltas wait here. */
  readonly wrapped: EmitEvent = (event: UntaggedAgentEvent<unknown>) => {
    if (event.type === 'text-delta' && !this.passing) {
      const texts = this.held.get(event.stepNumber);
      if (texts === undefined) this.held.set(event.stepNumber, [event.text]);
      else texts.push(event.text);
      return;
    }
    // The stream's promise (a slow reader's backpressure) goes back to the loop as it came.
    return this.emit(this.answerOnly ? withoutModelOutput(event) : event);
  };

  childSink(sink: EmitEvent): EmitEvent {
    if (!this.answerOnly || sink === undefined) return sink;
    return (event) => {
      // A child's text is never this run's answer: no output guardrail of this run judges it.
      if (event.type === 'text-delta' || event.type === 'guardrail-retraction') return;
      return sink(withoutModelOutput(event));
    };
  }

  stepGoesOn(stepNumber: number): void {
    if (this.answerOnly) this.held.delete(stepNumber);
    else this.release(stepNumber);
  }

  inputPassed(): void {
    if (this.answerOnly || this.passing) return;
    this.passing = true;
    for (const stepNumber of [...this.held.keys()]) this.release(stepNumber);
  }

  discard(stepNumber: number): void {
    this.held.delete(stepNumber);
  }

  /** Sends a step's deltas as they came. */
  release(stepNumber: number): void {
    const texts = this.held.get(stepNumber);
    this.held.delete(stepNumber);
    for (const text of texts ?? []) this.emit({ type: 'text-delta', stepNumber, text });
  }

  /** Sends `text` in place of a step's deltas (nothing when empty). */
  replace(stepNumber: number, text: string): void {
    this.held.delete(stepNumber);
    if (text !== '') this.emit({ type: 'text-delta', stepNumber, text });
  }
}

/**
 * A `tool-result` whose tool made model calls (a subagent's answer, the search fallback's)
 * without that output: model text no output guardrail judged. Any other event as it is.
 */
function withoutModelOutput(event: UntaggedAgentEvent<unknown>): UntaggedAgentEvent<unknown> {
  if (event.type !== 'tool-result' || event.toolCall.usage === undefined) return event;
  const { output: _held, response, ...toolCall } = event.toolCall;
  // The function response sent back holds the same text (`{ answer }`): only its id and name.
  const shown =
    response.id === undefined
      ? { name: response.name, response: {} }
      : { id: response.id, name: response.name, response: {} };
  return { ...event, toolCall: { ...toolCall, response: shown }, outputHeld: true };
}

/**
 * Checks the final answer with the output guardrails, before `finishRun`. A rewrite changes what
 * the caller gets (`result.text`, `result.output`, `result.parts`), never the model's content in
 * the history. On a stream the text already sent is retracted (`guardrail-retraction`) or, with
 * `holdBack`, only what passed is sent.
 *
 * @throws {@link GuardrailTrippedError} (`phase: 'output'`) when one blocks, throws or hangs.
 * @throws {@link AgentAbortedError} when the run is aborted during a check.
 * @internal
 */
export async function guardOutput<Output>(
  context: RunContext<Output>,
  step: AgentStep,
  finish: Finish<Output>,
  held: TextDeltaHold | undefined,
): Promise<Finish<Output>> {
  const { guardrails, run, emit } = context;
  if (guardrails === undefined || guardrails.output.length === 0) {
    held?.release(step.stepNumber);
    return finish;
  }
  const result = await checkOutputGuardrails(
    guardrails.output as readonly OutputGuardrail[],
    { text: step.text, output: finish.output },
    guardrailRunOptions(context, step.stepNumber),
  );
  if (result.type === 'trip') {
    held?.replace(step.stepNumber, '');
    if (held === undefined && step.text !== '')
      emit?.({
        type: 'guardrail-retraction',
        stepNumber: step.stepNumber,
        name: result.name,
        text: '',
      });
    throw new GuardrailTrippedError({
      guardrailName: result.name,
      phase: 'output',
      reason: context.config.redact(result.reason),
      run: run.state(),
    });
  }
  if (result.type === 'aborted') {
    // The answer was never checked: neither return it nor release its held text (a stream
    // without holdBack has shown it already; the run still ends aborted, not with that answer).
    held?.replace(step.stepNumber, '');
    throw new AgentAbortedError({
      phase: 'between-steps',
      run: run.state(),
      cause: context.signal.reason,
    });
  }
  if (result.type !== 'rewrite') {
    held?.release(step.stepNumber);
    return finish;
  }
  const { text, output } = result.value;
  if (held !== undefined) held.replace(step.stepNumber, text);
  else if (text !== step.text) {
    emit?.({ type: 'guardrail-retraction', stepNumber: step.stepNumber, name: result.name, text });
  }
  return { ...finish, text, output: output as Output | undefined };
}
