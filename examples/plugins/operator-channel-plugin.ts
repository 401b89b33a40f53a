import { type AgentPlugin, definePlugin, type PluginRun } from '@gemloop/core/plugins';

// A third party's plugin that takes messages while a run runs (issue 53, public imports only):
// an operator's channel. Someone watching a run sends it commands on the topic `operator`
// (`stream.send('operator', …)`, a steering controller's `send`, or `runs.send(runId, 'operator',
// …)` for a durable run from any process), and the plugin reads them at each step boundary:
//
// - `{ pause: 'toolName' }`: the model's calls to that tool are denied from now on (it is told
//   the operator paused it), `{ resume: 'toolName' }` lets them run again;
// - `{ note: 'text' }`: the text joins the history as a user turn before the next model call
//   (checked by the run's input guardrails, as any steer is);
// - `{ stop: 'reason' }`: the run ends once the step is over (`finishReason: 'plugin'`).
//
// Values arrive from outside and are treated as hostile: anything else is ignored and reported
// (`operator` event `ignored`). In a durable run the messages are DBOS messages read outside any
// step, which DBOS records: a run taken over after a crash reads the same commands at the same
// boundary and rebuilds the same state, so a note is added once.

/** The topic the plugin listens on. */
export const OPERATOR_TOPIC = 'operator';

/** A command the operator sends. */
export type OperatorCommand =
  | { readonly pause: string }
  | { readonly resume: string }
  | { readonly note: string }
  | { readonly stop: string };

/** What the plugin keeps for one run: the tools paused now. */
type OperatorState = { paused: string[] };

/** The longest note taken (a note is a user turn in the history, not a document upload). */
const MAX_NOTE_CHARACTERS = 4000;

/**
 * The operator's channel as a plugin. `inherit: true` would not reach subagents' own messages:
 * a subagent's run has no address and receives nothing; the top run's plugin holds the channel.
 */
export function operatorChannel(): AgentPlugin<OperatorState> {
  return definePlugin<OperatorState>({
    name: 'operator-channel',
    startRun: () => ({ paused: [] }),
    async beforeModelCall(_call, run) {
      await applyCommands(run);
    },
    // An answer is a boundary too: a note that came while the model answered makes it go on.
    async afterAnswer(answer, run) {
      const noted = await applyCommands(run);
      return noted && answer.stepsLeft && !answer.blocked
        ? { type: 'run-again', contents: [] }
        : undefined;
    },
    beforeToolCall(call, run) {
      if (!run.state.paused.includes(call.toolName)) return undefined;
      return {
        type: 'deny',
        message: `The operator paused the tool "${call.toolName}"; do not call it again unless told it was resumed.`,
      };
    },
  });
}

/** Reads the waiting commands and applies them in order; whether a note joined the history. */
async function applyCommands(run: PluginRun<OperatorState>): Promise<boolean> {
  let noted = false;
  for (const value of await run.receive(OPERATOR_TOPIC)) {
    const command = readCommand(value);
    if (command === undefined) {
      run.emit('ignored', { reason: 'not an operator command' });
      continue;
    }
    if ('pause' in command) {
      if (!run.state.paused.includes(command.pause)) run.state.paused.push(command.pause);
    } else if ('resume' in command) {
      run.state.paused = run.state.paused.filter((tool) => tool !== command.resume);
    } else if ('note' in command) {
      const added = await run.addInput([{ role: 'user', parts: [{ text: command.note }] }]);
      noted ||= added !== undefined && added.length > 0;
    } else {
      run.finish(`operator: ${command.stop}`);
    }
    run.emit('applied', { command: Object.keys(command)[0] });
  }
  return noted;
}

/** A value as a command, or `undefined` when it is none (checked: it came from outside). */
export function readCommand(value: unknown): OperatorCommand | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const entries = Object.entries(value);
  if (entries.length !== 1) return undefined;
  const [key, text] = entries[0] as [string, unknown];
  if (typeof text !== 'string' || text.trim() === '') return undefined;
  if (key === 'pause' || key === 'resume') {
    return /^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$/.test(text)
      ? ({ [key]: text } as OperatorCommand)
      : undefined;
  }
  if (key === 'note' || key === 'stop')
    return { [key]: text.slice(0, MAX_NOTE_CHARACTERS) } as OperatorCommand;
  return undefined;
}
