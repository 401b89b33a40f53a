import type { AgentStep } from '../../run/agent-result.ts';
import type { RunTracker } from '../run-state/run-tracker.ts';
import type { NextStep } from './next-step.ts';

/**
 * Appends what a resolved step keeps to the history: the model's content as received (or its
 * signed copy), then the note the next call answers (a re-ask, recorded on the step, or the
 * request for the final JSON). A turn's function responses are appended by `runTools`, once
 * the calls are answered.
 * @internal
 */
export function appendToHistory<Output>(
  run: RunTracker,
  step: AgentStep,
  next: NextStep<Output>,
): void {
  if (next.append !== undefined) {
    run.append(next.append);
    step.appended = true;
  }
  if (next.type !== 'run-again' || next.note === undefined) return;
  const note = next.note;
  if (next.reask !== undefined) step.reask = { reason: next.reask, note };
  run.append({ role: 'user', parts: [{ text: note }] });
}
