import { createAgent } from '../create-agent.ts';
import type { AgentPlugin } from '../plugins/agent-plugin.ts';
import { createScriptedGemini, textTurn } from './scripted-gemini.ts';

/**
 * One run of an agent with `plugins` over a scripted client of 500 text answers (`a0`, `a1`, …),
 * unary or streamed: its result or its error, and the client (its `calls`). Shared by the tests
 * of the bounds on `wrapModelCall`'s and `wrapModelRequest`'s `next`.
 */
export async function pluginsOutcome(
  plugins: readonly AgentPlugin[],
  mode: 'run' | 'stream',
  more: { maxModelCallsPerStep?: number } = {},
) {
  const gemini = createScriptedGemini(Array.from({ length: 500 }, (_, at) => textTurn(`a${at}`)));
  const agent = createAgent({ gemini, model: 'gemini-2.5-flash', plugins, ...more });
  try {
    if (mode === 'run') return { result: await agent.run('Go.'), gemini };
    const stream = agent.stream('Go.');
    for await (const _event of stream);
    return { result: await stream.result, gemini };
  } catch (error) {
    return { error, gemini };
  }
}
