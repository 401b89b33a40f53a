import { asText } from '../format.js';
import { defineLineReader } from '../line-readers.js';
import { setStepText } from './model-call.js';

// A step's end: its kind, finish reason, usage, grounding, and its text and thoughts as the agent
// kept them (these replace the ones read from the model's response).

defineLineReader('step-end', (run, line) => {
  const step = run.step(line.stepNumber);
  step.end = line;
  const text = asText(line.text);
  const thoughts = asText(line.thoughts);
  if (text !== undefined || thoughts !== undefined) setStepText(step, text ?? '', thoughts ?? '');
});
