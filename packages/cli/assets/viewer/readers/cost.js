import { defineLineReader } from '../line-readers.js';

// What each step and the whole run cost (issue 31): the recorder's `cost` on `step-end` and
// `run-end` lines, shown by entries/cost.js. Read beside the step-end and run-end readers.

defineLineReader('step-end', (run, line) => {
  if (line.cost === undefined) return;
  run.step(line.stepNumber).entries.push({ kind: 'cost', order: 60, cost: line.cost });
});

defineLineReader('run-end', (run, line) => {
  if (line.cost === undefined) return;
  run.entries.push({ kind: 'cost', order: 101, cost: line.cost, scope: 'run' });
});
