import { asName, asNumber, asText } from '../format.js';
import { defineLineReader } from '../line-readers.js';

// A guardrail check (`@gemloop/core/guardrails`): its name, phase and verdict in its step, a trip
// marked. Input checks come before their step's model call, output checks after its text, tool
// checks beside the calls. A run file is hostile input: every field is read as text or number.

const ORDER = { input: 5, 'tool-input': 35, 'tool-output': 45, output: 60 };

defineLineReader('guardrail', (run, line) => {
  const phase = asName(line.phase) ?? 'unknown';
  run.step(line.stepNumber).entries.push({
    kind: 'guardrail',
    order: ORDER[phase] ?? 60,
    name: asName(line.name) ?? '(unnamed guardrail)',
    phase,
    verdict: asName(line.verdict) ?? '?',
    tripped: line.tripped === true,
    reason: asText(line.reason),
    toolName: asName(line.toolName),
    durationMs:
      asNumber(line.at) !== undefined && asNumber(line.startedAt) !== undefined
        ? asNumber(line.at) - asNumber(line.startedAt)
        : undefined,
  });
});
