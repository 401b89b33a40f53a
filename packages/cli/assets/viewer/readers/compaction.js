import { asNumber, asText } from '../format.js';
import { defineLineReader } from '../line-readers.js';

// A compaction of the history before a model step (the agent's `compaction` option): what it did
// and the estimated tokens before and after. Shown first in the step it happened before.

defineLineReader('compaction', (run, line) => {
  run.step(line.stepNumber).entries.push({
    kind: 'compaction',
    order: 5,
    reason: asText(line.reason),
    tokensBefore: asNumber(line.tokensBefore),
    tokensAfter: asNumber(line.tokensAfter),
    cleared: asNumber(line.clearedToolResults) ?? 0,
    pruned: asNumber(line.prunedThoughts) ?? 0,
    summarized: asNumber(line.summarizedContents) ?? 0,
    replaced: line.replaced === true,
  });
});
