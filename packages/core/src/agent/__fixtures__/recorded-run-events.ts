import type { AgentEvent } from '../agent-event.ts';
import { agentTurnsOf } from '../agent-turns.ts';
import type { createAgent } from '../create-agent.ts';
import type { PluginHookRecorder } from '../plugins/run-plugins.ts';

/**
 * The events of `agent`'s streamed run of `input` with the hook recorder `record` (a map
 * recorder's standing in for a durable runner's; `undefined`: none), each as `shown` makes it,
 * once the run ended (its result awaited: a failed run rejects).
 */
export async function recordedRunEvents<Shown>(
  agent: ReturnType<typeof createAgent>,
  input: string,
  record: PluginHookRecorder | undefined,
  shown: (event: AgentEvent<unknown>) => Shown,
): Promise<Shown[]> {
  const stream = agentTurnsOf(agent).stream(input, {}, undefined, undefined, record);
  const events: Shown[] = [];
  for await (const event of stream) events.push(shown(event));
  await stream.result;
  return events;
}
