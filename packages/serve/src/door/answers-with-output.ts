import type { Agent } from '@gemloop/core';
import { agentTurnsOf } from '@gemloop/core/internal';

/**
 * Whether `agent` answers with the JSON of an `output` schema. Such a run may produce other text
 * before its answer (an answer the schema refused and the model was asked again for, or the tool
 * loop's answer before the call that asks for the JSON, on models that cannot take a schema
 * beside tools), and a stream that cannot take text back (OpenAI's) sends the validated answer
 * instead of every step's deltas: joined, they were not JSON (attack51). `false` for an agent
 * gemloop did not make (it declares no options). @internal
 */
export function hasOutputSchema(agent: Agent<unknown>): boolean {
  return agentTurnsOf(agent).options?.output !== undefined;
}
