import {
  type ModelCallEntry,
  type ModelCallInput,
  ModelCallRecord,
} from '../../http/model-call-entry.ts';
import { createAgent } from '../create-agent.ts';
import type { AgentPlugin } from '../plugins/agent-plugin.ts';
import { definePlugin } from '../plugins/define-plugin.ts';
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

/** One request through `next` in the agent's mode: its text, read to the end. */
async function send(
  next: ModelCallEntry,
  input: ModelCallInput,
  streamed: boolean,
  given?: ModelCallInput,
) {
  if (!streamed) return (await next.generate(input, given)).response;
  let last: unknown;
  for await (const chunk of next.stream(input, given).stream) last = chunk;
  return last;
}

/**
 * How a wrapper makes the input of each call of `next`: spread from its own (`spread`), or built
 * afresh (`built`: `{ request, callOptions }`, nothing else), passing its own as `next`'s second
 * argument (`built-given`) or not (`built`, a wrapper written before that argument).
 */
export type InputShape = 'spread' | 'built' | 'built-given';

/**
 * Calls `next` `times` times per request (a retry that never likes the answer), each time with
 * an input made as `shape` says.
 */
export function asker(name: string, times = 200, shape: InputShape = 'spread'): AgentPlugin {
  const made = (input: ModelCallInput): ModelCallInput =>
    shape === 'spread'
      ? { ...input, request: { ...input.request } }
      : { request: { ...input.request }, callOptions: input.callOptions };
  const given = (input: ModelCallInput) => (shape === 'built-given' ? input : undefined);
  const ask = async (next: ModelCallEntry, input: ModelCallInput, streamed: boolean) => {
    let answer = await send(next, made(input), streamed, given(input));
    for (let index = 1; index < times; index++)
      answer = await send(next, made(input), streamed, given(input));
    return answer;
  };
  return definePlugin({
    name,
    wrapModelRequest: (next) => ({
      generate: async (input) => {
        await ask(next, input, false);
        return next.generate(made(input), given(input));
      },
      stream: (input) => {
        const last = { record: new ModelCallRecord() };
        return {
          stream: (async function* () {
            await ask(next, input, true);
            const answer = next.stream(made(input), given(input));
            last.record = answer.record;
            yield* answer.stream;
          })(),
          get record() {
            return last.record;
          },
        };
      },
    }),
  });
}

