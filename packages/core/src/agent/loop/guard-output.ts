import { checkOutputGuardrails } from '../../guardrails/check-output-guardrails.ts';
import type { AgentStep } from '../../run/agent-result.ts';
import type { UntaggedAgentEvent } from '../agent-event.ts';
import { AgentAbortedError } from '../errors/agent-aborted-error.ts';
import { GuardrailTrippedError } from '../errors/guardrail-tripped-error.ts';
import type { EmitEvent } from '../run-state/emit-event.ts';
import type { RunContext, TextDeltaHold } from '../run-state/run-context.ts';
import { guardrailRunOptions } from './guardrail-run-options.ts';
import type { Finish } from './next-step.ts';

/**
 * Holds a streamed step's text deltas back until the loop knows what the step is: released as
 * they were when the step goes on to calls or a re-ask, replaced by one delta of what the output
 * guardrails let through when it is the answer (`guardrails.holdBack`). @internal
 */
export class HeldTextDeltas {
  private readonly held = new Map<number, string[]>();
  private readonly emit: NonNullable<EmitEvent>;

  constructor(emit: NonNullable<EmitEvent>) {
    this.emit = emit;
  }

  /** The emit the run uses instead of the stream's: text deltas wait here. */
  readonly wrapped: EmitEvent = (event: UntaggedAgentEvent<unknown>) => {
    if (event.type === 'text-delta') {
      const texts = this.held.get(event.stepNumber);
      if (texts === undefined) this.held.set(event.stepNumber, [event.text]);
      else texts.push(event.text);
      return;
    }
    // The stream's promise (a slow reader's backpressure) goes back to the loop as it came.
    return this.emit(event);
  };

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
    guardrails.output,
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
