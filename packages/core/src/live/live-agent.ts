import { agentTurnsOf } from '../agent/agent-turns.ts';
import type { AgentOptions } from '../agent/config/agent-options.ts';
import type { Agent } from '../agent/create-agent.ts';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { twoCopiesHint } from '../errors/two-copies-hint.ts';
import { type ClientInternals, clientInternalsOf } from '../http/client-internals.ts';

/**
 * What a live session or token reads of an agent: the options `createAgent` got, and its client's
 * settings (key, base URL, version). @internal
 * @throws {@link InvalidArgumentError} for an agent or client gemloop did not make, or Vertex AI.
 */
export function liveAgentOf(
  agent: Agent<unknown>,
  caller: string,
): { options: AgentOptions<unknown>; client: ClientInternals['client'] } {
  const options = agentTurnsOf(agent).options;
  if (options === undefined) {
    throw new InvalidArgumentError({
      argument: 'agent',
      message: `${caller} needs an agent made by createAgent: it reads its tools, instructions and client.`,
    });
  }
  const internals = clientInternalsOf(options.gemini);
  if (internals === undefined) {
    throw new InvalidArgumentError({
      argument: 'agent.gemini',
      message: `${caller} needs the agent's client to be made by createGemini (it reads its key and base URL).${twoCopiesHint(options.gemini)}`,
    });
  }
  if (internals.client.vertex !== undefined) {
    throw new InvalidArgumentError({
      argument: 'agent.gemini',
      message: 'Live sessions on Vertex AI are not supported yet: use a Gemini API key client.',
    });
  }
  return { options, client: internals.client };
}
