import type { ChatOptions, ChatSession } from '../chat/chat-session.ts';
import { createChatSession } from '../chat/create-chat-session.ts';
import type { AgentConfig } from './agent-config.ts';
import type { AgentInput, AgentOptions, RunOptions } from './agent-options.ts';
import type { AgentResult } from './agent-result.ts';
import { type AgentStream, createAgentStream } from './agent-stream.ts';
import { resolveAgentConfig } from './resolve-agent-config.ts';
import { runLoop } from './run-loop.ts';

/** An agent made by {@link createAgent}: a model, its tools and settings, ready to run. */
export type Agent<Output = undefined> = {
  readonly model: string;
  /**
   * Runs the loop to the end with `generateContent` calls.
   *
   * @throws {@link InvalidArgumentError} / {@link InvalidHistoryError} for bad input, before any
   *   request.
   * @throws {@link AgentRunError} subclasses once the run started (`ModelCallError`,
   *   `AgentAbortedError`, `InvalidModelResponseError`, `OutputValidationError`, and the tool
   *   errors with `toolErrors: 'throw'`), each with `run`: the consistent history, steps and usage.
   */
  run(input: AgentInput, options?: RunOptions): Promise<AgentResult<Output>>;
  /**
   * Runs the loop with `streamGenerateContent` calls, yielding events as they happen; `result`
   * resolves to what `run()` would have returned, with the same history.
   */
  stream(input: AgentInput, options?: RunOptions): AgentStream<Output>;
  /**
   * A multi-turn chat with this agent, its history kept in a store (in memory by default); logs
   * go to the agent's logger unless `options.logger` is set. See {@link createChatSession}.
   */
  chat(options?: ChatOptions): ChatSession<Output>;
};

/**
 * Creates an agent: a Gemini model with tools, run in a loop until it answers. Every option is
 * checked here (duplicate or invalid tool names, unknown allowed function names, `maxSteps < 1`,
 * a thinking setting the model rejects, ...), so a run fails only for what happens in it.
 *
 * @example
 * ```ts
 * const agent = createAgent({
 *   gemini: createGemini({ apiKey }),
 *   model: 'gemini-3-flash-preview',
 *   instructions: 'You are a travel assistant.',
 *   tools: [getWeather, googleSearch()],
 * });
 * const { text, contents } = await agent.run('Should I pack an umbrella for Paris tomorrow?');
 * ```
 *
 * @throws {@link InvalidArgumentError} naming the option at fault and the fix.
 */
export function createAgent<Output = undefined>(options: AgentOptions<Output>): Agent<Output> {
  const config: AgentConfig<Output> = resolveAgentConfig(options);
  const agent: Agent<Output> = {
    model: config.model,
    run(input, { signal, history } = {}) {
      return runLoop(config, input, {
        signal: signal ?? new AbortController().signal,
        streaming: false,
        emit: undefined,
        history,
      });
    },
    stream(input, { signal, history } = {}) {
      return createAgentStream<Output>(
        (emit, streamSignal) =>
          runLoop(config, input, { signal: streamSignal, streaming: true, emit, history }),
        signal,
      );
    },
    chat(chatOptions = {}) {
      return createChatSession({
        ...chatOptions,
        logger: chatOptions.logger ?? config.logger,
        agent,
      });
    },
  };
  return agent;
}
