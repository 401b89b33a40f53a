import { asName, asNumber, asText } from '../format.js';
import { defineLineReader } from '../line-readers.js';

// What a plugin reported (`run.emit(kind, data)`, @gemloop/core/plugins): an entry in the step it
// was reported in (with the run as a whole before the first step). Every field is from the run
// file, hostile: read with asText/asNumber, shown as text by the renderer.

defineLineReader('plugin', (run, line) => {
  const stepNumber = asNumber(line.stepNumber) ?? 0;
  const entry = {
    kind: 'plugin',
    order: 40,
    plugin: asName(line.plugin) ?? 'plugin',
    what: asName(line.kind) ?? '',
    data: asText(line.data),
  };
  if (stepNumber > 0) run.step(stepNumber).entries.push(entry);
  else run.entries.push(entry);
});
