import { describe, expect, it } from 'vitest';
import type { Redactor } from '../shared/client-redactor.ts';
import { scrubSecrets } from '../shared/scrub-secrets.ts';
import type { Content } from '../wire/content.ts';
import { startRecordedObservation } from './__fixtures__/key-walk-observation.ts';
import type { RunObservation } from './run-observer.ts';

// Each model call's info holds the run's whole history, so the observers' key walk met every
// long text of it again at each step: the characters scanned grew with the square of the run's
// length (media-once's photo, 7 MB, scanned at every step and in every record of it). With the
// run's memo, each long text is scanned once while the part that holds it keeps it.

const KEY = 'AIzaMemoCountKey-0123456789abcdef';
const LONG = 1000;
const STEPS = 20;

/** The client's redaction (scrubSecrets over its key), counting the long texts' characters scanned. */
function countingRedactor() {
  let long = 0;
  const redact: Redactor = (value, held) => {
    const isLong = typeof value === 'string' && value.length >= 256;
    if (held === undefined) {
      if (isLong) long += value.length;
      return scrubSecrets(value, [KEY], undefined, held);
    }
    // A text handed with its holder is counted by the memo when it is really scanned (short
    // texts too since observe67: their count is redact-key-observation.short-memo's).
    const before = held.memo.scannedChars;
    const scrubbed = scrubSecrets(value, [KEY], undefined, held);
    if (isLong) long += held.memo.scannedChars - before;
    return scrubbed;
  };
  const scanned = () => long;
  return { redact, scanned };
}

const text = (name: string) => `${name}: `.padEnd(LONG, 'z');

/** `steps` model steps through `observation`, as a run reports them: the history grows each step. */
function runSteps(observation: RunObservation, steps: number): void {
  const history: Content[] = [];
  for (let step = 1; step <= steps; step++) {
    history.push({ role: 'user', parts: [{ text: text(`ask ${step}`) }] });
    // A fresh array each call, as a request's contents are; the turns in it are the run's own.
    const call = observation.modelCall({
      stepNumber: step,
      request: { model: 'm', contents: [...history] },
      streaming: false,
      startedAt: 0,
    });
    const reply: Content = { role: 'model', parts: [{ text: text(`answer ${step}`) }] };
    call.end({ response: { candidates: [{ content: reply }] } } as never, 1);
    history.push(reply);
    observation.stepEnd({ stepNumber: step, content: reply } as never);
  }
  observation.end({ result: { text: 'done', contents: history } } as never, 2);
}

describe('an observed run scans each long text once (redact-memo)', () => {
  it(`${STEPS} steps: every long text of the history scanned once, not once a step`, () => {
    const { redact, scanned } = countingRedactor();
    const { observation, seen } = startRecordedObservation(redact);
    runSteps(observation, STEPS);
    // Two long texts a step (the question and the answer), each scanned once. Without the memo
    // every record scanned them all again: 480,000 characters for these 20 steps.
    expect(scanned()).toBe(2 * STEPS * LONG);
    // And the observers saw them whole (nothing to redact).
    expect(JSON.stringify(seen)).toContain(text(`answer ${STEPS}`));
  });
});
