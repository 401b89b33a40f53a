import { asName, asNumber, asText } from '../format.js';
import { defineLineReader } from '../line-readers.js';

// A tool call: its arguments when it starts, its outcome, result or error when it ends. One entry
// in its step, shown in full (no click needed), and one bar on the timeline.

defineLineReader('tool-call-start', (run, line) => {
  const step = run.step(line.stepNumber);
  const call = {
    kind: 'tool',
    key: `${run.keyPrefix}tool-${run.toolCalls.length}`,
    stepNumber: step.number,
    name: asName(line.toolName) ?? '(unnamed tool)',
    toolCallId: asText(line.toolCallId),
    toolType: asName(line.toolType),
    start: asNumber(line.at) ?? run.startedAt,
    end: undefined,
    args: line.args,
  };
  run.toolCalls.push(call);
  step.toolCalls.push(call);
  step.entries.push({ kind: 'tool-call', order: 40, call });
});

defineLineReader('tool-call-end', (run, line) => {
  const call = run
    .step(line.stepNumber)
    .toolCalls.find(
      (candidate) =>
        candidate.toolCallId === asText(line.toolCallId) && candidate.end === undefined,
    );
  if (call === undefined) return;
  call.end = asNumber(line.at) ?? call.start;
  call.outcome = asName(line.outcome);
  call.output = line.output;
  call.error = asText(line.error);
  // An approval's modify: what ran instead of the model's arguments, redacted as recorded.
  call.modifiedArgs = line.modifiedArgs;
  // A built-in run as a function (google_search on Gemini 2.x) brings its sources on the call.
  call.grounding = line.grounding;
});
