import { asNumber, asText, field } from '../format.js';
import { defineLineReader } from '../line-readers.js';

// A step's model call: its request, retries, first chunk and response or error. The response's
// text and thoughts are shown at once, before the step ends (a live run), and replaced by the
// step's own when its `step-end` line arrives (readers/step-end.js).

defineLineReader('model-call-start', (run, line) => {
  const step = run.step(line.stepNumber);
  const call = {
    kind: 'model',
    key: `${run.keyPrefix}model-${run.modelCalls.length}`,
    stepNumber: step.number,
    start: asNumber(line.at) ?? run.startedAt,
    end: undefined,
    request: line.request,
    response: undefined,
    error: undefined,
  };
  run.modelCalls.push(call);
  step.modelCall = call;
});

defineLineReader('retry', (run, line) => {
  run.step(line.stepNumber).entries.push({
    kind: 'retry',
    order: 10,
    attempt: asNumber(line.attempt),
    delayMs: asNumber(line.delayMs),
    error: line.error,
  });
});

defineLineReader('first-chunk', (run, line) => {
  const call = run.step(line.stepNumber).modelCall;
  if (call !== undefined) call.firstChunk = asNumber(line.at);
});

defineLineReader('model-call-end', (run, line) => {
  const step = run.step(line.stepNumber);
  const call = step.modelCall;
  if (call === undefined) return;
  call.end = asNumber(line.at) ?? call.start;
  call.response = line.response;
  call.error = line.error;
  if (line.error !== undefined) {
    step.entries.push({ kind: 'call-error', order: 50, error: line.error });
    return;
  }
  const { text, thoughts } = responseText(line.response);
  setStepText(step, text, thoughts);
});

/** The text and thought summary of a response's first candidate. */
function responseText(response) {
  const parts = field(field(field(response, 'candidates')?.[0], 'content'), 'parts');
  let text = '';
  let thoughts = '';
  if (Array.isArray(parts)) {
    for (const part of parts) {
      const value = asText(field(part, 'text'));
      if (value === undefined) continue;
      if (field(part, 'thought') === true) thoughts += value;
      else text += value;
    }
  }
  return { text, thoughts };
}

/** Sets (or replaces) the step's text and thoughts entries. */
export function setStepText(step, text, thoughts) {
  const keyPrefix = step.keyPrefix ?? '';
  step.thoughts ??= { kind: 'thoughts', order: 20, stepNumber: step.number, keyPrefix, text: '' };
  step.text ??= { kind: 'model-text', order: 30, stepNumber: step.number, keyPrefix, text: '' };
  if (!step.entries.includes(step.thoughts)) step.entries.push(step.thoughts, step.text);
  step.thoughts.text = thoughts;
  step.text.text = text;
}
