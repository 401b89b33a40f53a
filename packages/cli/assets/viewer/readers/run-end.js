import { defineLineReader } from '../line-readers.js';

// The run's closing line (its outcome, answer or error, usage), and the notes of a file that was
// cut (by the recorder past maxRunBytes, or by the viewer past maxViewBytes) or holds a line that
// is no run line (the viewer's `unreadable-line`, naming the line), or was abandoned (the viewer's
// `abandoned`: no end, and nothing written for 10 minutes).

defineLineReader('run-end', (run, line) => {
  run.end = line;
  run.entries.push({ kind: 'run-end', order: 100, line });
});

defineLineReader('truncated', (run, line) => {
  run.notes.push(line);
});

defineLineReader('unreadable-line', (run, line) => {
  run.notes.push(line);
});

defineLineReader('abandoned', (run, line) => {
  run.notes.push(line);
});
