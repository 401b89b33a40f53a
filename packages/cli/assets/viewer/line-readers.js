// The registry of line readers: how each `type` of a run file's lines adds to the run's model
// (read-run.js). A feature that records a new kind of line (compaction, a guardrail trip, a
// subagent's run) adds one file under readers/ that calls `defineLineReader`, and names it in
// kinds.js; nothing else changes.

const readers = new Map();

/**
 * Registers how lines of `type` are read: `read(run, line)` adds to the run (see read-run.js:
 * `run.step(n)` for a step, `step.entries.push(entry)` for something to show in it,
 * `run.entries.push(entry)` for the run as a whole). Several readers may share a type.
 */
export function defineLineReader(type, read) {
  const list = readers.get(type) ?? [];
  list.push(read);
  readers.set(type, list);
}

/** The readers of a line type (none for a type nothing registered: such lines are skipped). */
export function lineReaders(type) {
  return readers.get(type) ?? [];
}
