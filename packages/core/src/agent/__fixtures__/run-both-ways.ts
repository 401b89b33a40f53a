import type { AgentResult } from '../../run/agent-result.ts';
import type { AgentEvent } from '../agent-event.ts';
import type { Agent } from '../create-agent.ts';

/** How a test runs an agent: `agent.run()` or `agent.stream()`. */
export type RunMode = 'run' | 'stream';

/** Both modes, for `describe.each`. */
export const RUN_MODES: readonly RunMode[] = ['run', 'stream'];

/**
 * Runs `agent` one way or the other and gives its result, with the events when streamed (none
 * for `run`). Test-only.
 */
export async function runBothWays<Output = undefined>(
  mode: RunMode,
  agent: Agent<Output>,
  input: Parameters<Agent<Output>['run']>[0],
  options: Parameters<Agent<Output>['run']>[1] = {},
): Promise<{ result: AgentResult<Output>; events: AgentEvent[] }> {
  if (mode === 'run') return { result: await agent.run(input, options), events: [] };
  const stream = agent.stream(input, options);
  const events: AgentEvent[] = [];
  for await (const event of stream) events.push(event as AgentEvent);
  return { result: await stream.result, events };
}

/** What `promise` rejected with (it fails the test when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)?.slice(0, 200)}`);
    },
    (error: unknown) => error,
  );
}
