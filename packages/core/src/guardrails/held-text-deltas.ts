import type { UntaggedAgentEvent } from '../agent/agent-event.ts';

/** Where the hold sends what it lets through. */
type Send = (event: UntaggedAgentEvent<unknown>) => void | Promise<void>;

/**
 * What a stream with `guardrails.holdBack` sends of a run's text: only what the guardrails
 * passed (issue 52). Each step's text deltas wait here. With output guardrails (`answerOnly`) the
 * answer's deltas are replaced by one delta of what the guardrails let through, and the text of a
 * step that goes on to calls or a re-ask is never sent (no guardrail judges it; `result.steps`
 * keeps it), nor is a child run's (a subagent's deltas, and its answer as the output of the
 * parent's `tool-result`, `outputHeld`). Without output guardrails (only input guardrails beside
 * the first call) the deltas wait until those passed, then flow. @internal
 */
export class HeldTextDeltas {
  private readonly held = new Map<number, string[]>();
  private readonly emit: Send;
  private readonly answerOnly: boolean;
  // Without output guardrails, once the input guardrails passed: nothing more to wait for.
  private passing = false;

  constructor(emit: Send, { answerOnly }: { answerOnly: boolean }) {
    this.emit = emit;
    this.answerOnly = answerOnly;
  }

  /** The steps whose text the reader saw (released, or replaced by a rewrite). */
  private readonly shownSteps = new Set<number>();

  /**
   * The run's own events through the hold (the plugin's `wrapEvents`): a retraction of text the
   * reader never saw sends what replaces it instead (nothing for a trip); a new step drops the
   * text of the steps before it, which went on to calls (no output guardrail judges it).
   */
  through(event: UntaggedAgentEvent<unknown>): void | Promise<void> {
    if (event.type === 'guardrail-retraction') {
      const shown = this.answerOnly ? this.shownSteps.has(event.stepNumber) : this.passing;
      if (!shown) {
        this.replace(event.stepNumber, event.text);
        return;
      }
    }
    if (event.type === 'step-start' && this.answerOnly)
      for (const stepNumber of [...this.held.keys()])
        if (stepNumber < event.stepNumber) this.held.delete(stepNumber);
    return this.wrapped(event);
  }

  /** The emit the run uses instead of the stream's: text deltas wait here. */
  readonly wrapped: Send = (event: UntaggedAgentEvent<unknown>) => {
    if (event.type === 'text-delta' && !this.passing) {
      const texts = this.held.get(event.stepNumber);
      if (texts === undefined) this.held.set(event.stepNumber, [event.text]);
      else texts.push(event.text);
      return;
    }
    // The stream's promise (a slow reader's backpressure) goes back to the loop as it came.
    return this.emit(this.answerOnly ? withoutModelOutput(event) : event);
  };

  childSink(sink: Send | undefined): Send | undefined {
    if (!this.answerOnly || sink === undefined) return sink;
    return (event) => {
      // A child's text is never this run's answer: no output guardrail of this run judges it.
      if (event.type === 'text-delta' || event.type === 'guardrail-retraction') return;
      return sink(withoutModelOutput(event));
    };
  }

  /** The input guardrails that ran beside the first call passed it: the held text flows. */
  inputPassed(): void {
    if (this.answerOnly || this.passing) return;
    this.passing = true;
    for (const stepNumber of [...this.held.keys()]) this.release(stepNumber);
  }

  /** Drops a step's held text (its call's answer is not the run's). */
  discard(stepNumber: number): void {
    this.held.delete(stepNumber);
  }

  /**
   * Sends a step's held text: the answer the output guardrails passed as one delta (as a rewrite
   * is, and as `holdBack` promises: a 10 MB answer in 100-byte chunks was 100,000 deltas in one
   * burst, attack59c), or, with only input guardrails beside the call, the deltas as they came.
   */
  release(stepNumber: number): void {
    const texts = this.held.get(stepNumber) ?? [];
    this.held.delete(stepNumber);
    this.shownSteps.add(stepNumber);
    if (this.answerOnly) {
      const text = texts.join('');
      if (text !== '') this.emit({ type: 'text-delta', stepNumber, text });
      return;
    }
    for (const text of texts) this.emit({ type: 'text-delta', stepNumber, text });
  }

  /** Sends `text` in place of a step's deltas (nothing when empty). */
  replace(stepNumber: number, text: string): void {
    this.held.delete(stepNumber);
    if (text === '') return;
    this.shownSteps.add(stepNumber);
    this.emit({ type: 'text-delta', stepNumber, text });
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
