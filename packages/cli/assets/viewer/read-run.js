import { asNumber } from './format.js';
import { lineReaders } from './line-readers.js';

/**
 * A run's model from its lines: the start line, its steps (each with its model call, tool calls
 * and entries to show), the run-level entries, the closing line. Each line goes to the readers
 * registered for its type (line-readers.js, readers/*.js).
 */
export function readRun(lines) {
  const start = lines[0];
  const steps = new Map();
  const run = {
    start,
    startedAt: asNumber(start.at) ?? 0,
    last: asNumber(start.at) ?? 0,
    end: undefined,
    /** Model calls and tool calls in the order they started: the timeline's bars. */
    modelCalls: [],
    toolCalls: [],
    /** Entries about the run as a whole, shown after its steps. */
    entries: [],
    /** Notes shown above everything (a file cut by the viewer or the recorder). */
    notes: [],
    /** Step `n`, made on first use. */
    step(stepNumber) {
      const number = asNumber(stepNumber) ?? 0;
      let step = steps.get(number);
      if (step === undefined) {
        step = { number, modelCall: undefined, toolCalls: [], end: undefined, entries: [] };
        steps.set(number, step);
      }
      return step;
    },
    /** The steps in order of their numbers. */
    get steps() {
      return [...steps.values()].sort((a, b) => a.number - b.number);
    },
  };
  for (const line of lines) {
    const at = asNumber(line.at);
    if (at !== undefined && at > run.last) run.last = at;
    for (const read of lineReaders(line.type)) read(run, line);
  }
  return run;
}
