import { asNumber } from './format.js';
import { lineReaders } from './line-readers.js';

/**
 * A run's model from its lines: the start line, its steps (each with its model call, tool calls
 * and entries to show), the run-level entries, the closing line. Each line goes to the readers
 * registered for its type (line-readers.js, readers/*.js).
 */
export function readRun(lines, { keyPrefix = '' } = {}) {
  const start = lines[0];
  const steps = new Map();
  const run = {
    start,
    /** Put before every key of this run's blocks: a subagent's run shares the page with its parent's. */
    keyPrefix,
    /** The `handoff` lines: the steps after each one's `stepNumber` are its `to` agent's. */
    handoffs: [],
    /** Subagent runs this run started that no tool call of it could be matched with. */
    unplacedChildren: [],
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
        step = {
          number,
          keyPrefix,
          modelCall: undefined,
          toolCalls: [],
          end: undefined,
          entries: [],
        };
        steps.set(number, step);
      }
      return step;
    },
    /** The agent that made step `n`: the run's own, or the last one handed to before it. */
    agentAt(stepNumber) {
      let agent = start.agentName;
      for (const handoff of run.handoffs) if (handoff.stepNumber < stepNumber) agent = handoff.to;
      return typeof agent === 'string' ? agent : undefined;
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
