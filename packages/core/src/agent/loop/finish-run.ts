import type { AgentResult } from '../../run/agent-result.ts';
import type { RunContext } from '../run-state/run-context.ts';
import type { Finish } from './next-step.ts';

/**
 * The result of a run that ended without an error: the history, steps and usage, and the last
 * step's answer. Emits `run-end`.
 * @internal
 */
export function finishRun<Output>(
  { run, emit, cache }: RunContext<Output>,
  { finishReason, output, blocked, text }: Finish<Output>,
): AgentResult<Output> {
  const last = run.steps[run.steps.length - 1];
  const state = run.state();
  const result: AgentResult<Output> = {
    contents: state.contents,
    newContents: state.newContents,
    steps: state.steps,
    usage: state.usage,
    text: text ?? last?.text ?? '',
    output,
    finishReason,
    rawFinishReason: last?.finishReason,
    finishMessage: last?.finishMessage,
    blocked,
    grounding: run.grounding,
    // A rewritten answer is the caller's text; the model's own parts stay in `contents`.
    parts: text !== undefined ? [{ text }] : (last?.content?.parts ?? []),
  };
  if (cache !== undefined) {
    let saved = 0;
    for (const step of state.steps) saved += step.usage.cachedContentTokenCount;
    result.cache = cache.report(saved);
  }
  emit?.({ type: 'run-end', result });
  return result;
}
