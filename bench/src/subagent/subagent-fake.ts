import type { Agent } from '@gemloop/core';
import type { Content, Part } from '@gemloop/core/wire';
import { type FakeScriptFunction, turn } from '@gemloop/testing';
import { betweenRuns } from './balanced-turns.ts';

/** The child's system instruction, by which the fake tells the child's requests from the parent's. */
export const CHILD_INSTRUCTIONS = 'You are the child.';

/**
 * The subagent benches' fake Gemini script (subagent-bench, subagent-counts, subagent-two-checkouts
 * share it so that they measure the same conversation): the child calls `add` until it has made
 * `childSteps - 1` calls, then answers; the parent calls `delegate` once, then answers. It reads
 * only the request, so one fake serves every parent and child at once.
 */
export function subagentScript(childSteps: number): FakeScriptFunction {
  return (request) => {
    const body = request.body as { systemInstruction?: { parts: Part[] }; contents: Content[] };
    const child = body.systemInstruction?.parts[0]?.text === CHILD_INSTRUCTIONS;
    const calls = body.contents.filter(
      (content) => content.role === 'model' && content.parts.some((part) => part.functionCall),
    ).length;
    if (child) {
      return calls < childSteps - 1
        ? turn.call('add', { a: calls, b: 1 })
        : turn.text('The sum is ready.');
    }
    return calls === 0 ? turn.call('delegate', { task: 'Add numbers.' }) : turn.text('Done.');
  };
}

/**
 * One parent run of that conversation, `run` or `stream` (every event read, as a UI would); throws
 * when the answer is not the parent's `Done.`, so a bench never times a run that went wrong.
 */
export async function runOnce(agent: Agent, mode: 'run' | 'stream'): Promise<void> {
  if (mode === 'run') {
    const result = await agent.run('Go.');
    if (result.text !== 'Done.') throw new Error(`unexpected answer ${result.text}`);
    return;
  }
  const stream = agent.stream('Go.');
  for await (const _event of stream) {
    // Read every event, as a UI would.
  }
  if ((await stream.result).text !== 'Done.') throw new Error('unexpected answer');
}

/**
 * One run's CPU (user + system, µs). Then, untimed, `reset` lets the fake forget the run's requests
 * (kept, they made every scavenge copy them: 7–10 ms a scavenge at load 6–22) and the event loop
 * turns ({@link betweenRuns}), so that the collection of this run's garbage falls between runs, not
 * inside the next side's run.
 */
export async function timedRun(
  agent: Agent,
  mode: 'run' | 'stream',
  reset: () => void,
): Promise<number> {
  const start = process.cpuUsage();
  await runOnce(agent, mode);
  const used = process.cpuUsage(start);
  reset();
  await betweenRuns();
  return used.user + used.system;
}
