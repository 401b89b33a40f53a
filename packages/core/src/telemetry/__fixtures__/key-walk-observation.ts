import { recordingObservation } from '../../__fixtures__/recording-observation.ts';
import type { Redactor } from '../../shared/client-redactor.ts';
import { createKeyMemo, redactKeyObservation } from '../redact-key-observation.ts';
import type { RunObservation, RunStartInfo } from '../run-observer.ts';
import { startObservation } from '../start-observation.ts';

/**
 * An observation that keeps what it is told, behind the observers' key walk with a memo for the
 * run (`redact`: the client's redaction under test). `told`: every record so far, as text, then
 * forgotten. For the tests of the walk's memo (redact-memo, observe67).
 */
export function keyWalkObservation(redact: Redactor): {
  observation: RunObservation;
  told: () => string;
} {
  const { seen, observation } = recordingObservation();
  const told = (): string => JSON.stringify(seen.splice(0));
  return { observation: redactKeyObservation(observation, redact, createKeyMemo()), told };
}

/** One model call whose request holds `contents`, as each step's does. */
export function callWith(observation: RunObservation, contents: unknown): void {
  observation.modelCall({
    stepNumber: 1,
    request: { model: 'm', contents },
    streaming: false,
    startedAt: 0,
  } as never);
}

/**
 * A run observed as `startObservation` starts one (the key walk with its memo, one recording
 * observer), started synchronously: `seen` is every record the observer was told.
 */
export function startRecordedObservation(redact: Redactor): {
  observation: RunObservation;
  seen: unknown[];
} {
  const recording = recordingObservation();
  const info = { runId: 'r', input: 'hi', path: [] } as unknown as RunStartInfo;
  const observation = startObservation(
    [{ startRun: () => recording.observation }],
    info,
    undefined,
    redact,
  );
  if (observation === undefined || observation instanceof Promise) throw new Error('no sync');
  return { observation, seen: recording.seen };
}
