import type { AgentToolCall } from '../run/agent-result.ts';

/**
 * What a page or a door shows as a call's result: the tool's `output`, unless a hook sent the
 * model another value (`replaced`: a plugin's mask, a tool guardrail's replacement, a refused
 * second hand-off), then the `functionResponse` the model got. The tool's own value stays the
 * app's (a step's `toolCalls`, a state reducer); shown, a masked result reached every page and
 * AG-UI client whole while the model got `[masked]` (attack54). @internal
 */
export function shownToolOutput(
  call: Pick<AgentToolCall, 'output' | 'replaced' | 'response'>,
): unknown {
  return call.replaced === true ? call.response.response : call.output;
}
