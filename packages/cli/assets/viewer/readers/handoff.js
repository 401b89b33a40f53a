import { asName, asNumber } from '../format.js';
import { defineLineReader } from '../line-readers.js';

// A handoff (`handoff()`): the run was handed to another agent after step `stepNumber`. A marked
// entry at the end of that step, a mark on the timeline, and every later step labelled with the
// agent that made it (read-run.js `agentAt`).

defineLineReader('handoff', (run, line) => {
  const handoff = {
    kind: 'handoff',
    order: 48,
    stepNumber: asNumber(line.stepNumber) ?? 0,
    from: asName(line.from) ?? 'agent',
    to: asName(line.to) ?? 'agent',
    filter: asName(line.filter),
    contentsBefore: asNumber(line.contentsBefore),
    contentsAfter: asNumber(line.contentsAfter),
    at: asNumber(line.at),
  };
  run.handoffs.push(handoff);
  run.step(handoff.stepNumber).entries.push(handoff);
});
