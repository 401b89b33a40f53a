/**
 * Each subcommand's one line for `gemloop help`, kept apart from the commands so that the list
 * loads none of them: a command's module brings its own graph (@gemloop/core, the probe, the
 * viewer), and `gemloop help` importing all eight took 0.67-0.82 s of CPU against 0.18-0.21 s
 * for `node -e 0` (load ~8-12, bench/RESULTS.md, test-speed8). Each command's `summary` is its
 * entry here.
 */
export const COMMAND_SUMMARIES = {
  chat: 'chat with an agent at the terminal (steer it, answer its MCP servers)',
  diff: 'compare two runs: tool calls, arguments, answers, steps, tokens, dollars',
  estimate: 'what a run will cost (from recorded runs, else countTokens), before it runs',
  eval: 'run evals on recorded runs (offline, drift-checked) or live; compare two',
  fake: 'serve a fake Gemini API on 127.0.0.1 to develop and probe offline',
  probe: 'check a Gemini gateway for the mistakes gemloop has to work around',
  replay: 'fork a recorded run at a step and continue it changed (offline by default)',
  view: 'show recorded agent runs in the browser (127.0.0.1 only)',
} as const;

/** A subcommand's name: a key of {@link COMMAND_SUMMARIES}. */
export type CommandName = keyof typeof COMMAND_SUMMARIES;
