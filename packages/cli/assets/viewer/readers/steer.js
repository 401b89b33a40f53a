import { asNumber, asText } from '../format.js';
import { defineLineReader } from '../line-readers.js';

// A steering message (issue 32): shown at the top of the step whose request first carried it
// (`applied`), or with the run as a whole when the run ended without it (`dropped`). `received`
// lines only say when it arrived; the applied one shows it. Every field is from the run file,
// hostile: read with asText/asNumber, shown as text by the renderer.

defineLineReader('steer', (run, line) => {
  const status = asText(line.status);
  if (status !== 'applied' && status !== 'dropped') return;
  const entry = {
    kind: 'steer',
    order: status === 'applied' ? 5 : 95,
    status,
    mode: asText(line.mode) === 'queue' ? 'queue' : 'steer',
    stepNumber: asNumber(line.stepNumber),
    text: asText(line.text) ?? '',
    parts: asNumber(line.parts) ?? 0,
    reason: asText(line.reason),
  };
  if (status === 'applied') run.step(line.stepNumber).entries.push(entry);
  else run.entries.push(entry);
});
