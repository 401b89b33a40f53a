import type { RunObservation } from '../telemetry/run-observer.ts';

/**
 * An observation that keeps every record it is told, in order (`seen`): model-call infos and
 * outcomes, tool-call infos and records, steps, events and the run's end. For the tests of what
 * reaches observers (the key walk, its memo).
 */
export function recordingObservation(): { seen: unknown[]; observation: RunObservation } {
  const seen: unknown[] = [];
  const observation: RunObservation = {
    modelCall: (info) => {
      seen.push(info);
      return { retry() {}, firstChunk() {}, end: (outcome) => void seen.push(outcome) };
    },
    toolCall: (info) => {
      seen.push(info);
      return { end: (record) => void seen.push(record) };
    },
    stepEnd: (step) => void seen.push(step),
    event: (event) => void seen.push(event),
    end: (outcome) => void seen.push(outcome),
  };
  return { seen, observation };
}
