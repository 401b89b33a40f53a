import type { AgentEvent } from '../agent/agent-event.ts';
import { createAgentStream } from '../agent/agent-stream.ts';
import { agentTurnsOf } from '../agent/agent-turns.ts';
import type { RunOptions } from '../agent/config/agent-options.ts';
import { AgentAbortedError } from '../agent/errors/agent-aborted-error.ts';
import { AgentClosedError } from '../agent/errors/agent-closed-error.ts';
import { AgentRunError } from '../agent/errors/agent-run-error.ts';
import { forwardStreamArgumentRedactor } from '../agent/stream-argument-redactor.ts';
import { addUsageMetadata, emptyUsage } from '../agent/usage.ts';
import { ChatStoreError, type ChatStoreOperation } from '../errors/chat-store-error.ts';
import { joinGuardrailOptions } from '../guardrails/guardrail-options.ts';
import { isLevelEnabled, silentLogger } from '../logging/logger.ts';
import type { AgentResult, AgentUsage } from '../run/agent-result.ts';
import { LoadOnce } from '../shared/load-once.ts';
import type { Part } from '../wire/content.ts';
import type {
  ChatResult,
  ChatSession,
  ChatStream,
  CreateChatSessionOptions,
} from './chat-session.ts';
import { checkChatOptions } from './check-chat-options.ts';
import { createMemoryHistoryStore } from './create-memory-history-store.ts';
import type { ChatTurn, HistoryStore, HistoryStoreContext } from './history-store.ts';
import { runExclusive } from './run-exclusive.ts';
import type { SelectedHistory } from './select-history.ts';
import { type ChatMessage, toMessageParts } from './to-message-parts.ts';

// The in-memory store `createChatSession({ agent, id })` uses when none is given: one per agent,
// so the same id continues the same conversation, and dropped with the agent.
const defaultStores = new WeakMap<object, HistoryStore>();

/** What a send needs besides the store and the agent: the history limit and token counts. */
type SendHelpers = {
  estimateContentTokens: typeof import('../history/estimate-tokens.ts')['estimateContentTokens'];
  selectHistory: typeof import('./select-history.ts')['selectHistory'];
  toHistoryTurns: typeof import('./to-history-turns.ts')['toHistoryTurns'];
  measureTurnTokens: typeof import('./measure-turn-tokens.ts')['measureTurnTokens'];
};

// Loaded by the first send, not by `import '@gemloop/core'`: Node's ESM loader pays for every
// module at import, and the root must stay cheap to import (bench/README.md, "Cold import").
// A failed load is not kept (the next send tries again).
const sendHelpers = new LoadOnce(async (): Promise<SendHelpers> => {
  const [{ estimateContentTokens }, { selectHistory }, { toHistoryTurns }, { measureTurnTokens }] =
    await Promise.all([
      import('../history/estimate-tokens.ts'),
      import('./select-history.ts'),
      import('./to-history-turns.ts'),
      import('./measure-turn-tokens.ts'),
    ]);
  return { estimateContentTokens, selectHistory, toHistoryTurns, measureTurnTokens };
});

/**
 * Starts (or continues, for an `id` already in the store) a chat with `agent`: see
 * {@link ChatSession}. The session sits on top of the agent (it calls `agent.run` and
 * `agent.stream`); the agent does not know it. Its lifecycle is its own: `chat.close()` (or
 * `await using`) releases what the store holds for the conversation; a send that finds the agent
 * closed fails with the agent's {@link AgentClosedError} and releases it too.
 *
 * @example
 * ```ts
 * const chat = createChatSession({
 *   agent,
 *   store: createFileHistoryStore({ directory: './chats' }),
 *   id: 'user-42',
 *   limit: { maxTurns: 20, maxTokens: 100_000 },
 * });
 * const first = await chat.send('Book me a table for two tonight.');
 * const second = await chat.send('Make it 8 pm.'); // sees the first exchange
 * ```
 *
 * @throws {@link InvalidArgumentError} for a bad option (an empty id, a store without `load`,
 *   a negative limit, ...).
 */
export function createChatSession<Output = undefined>(
  options: CreateChatSessionOptions<Output>,
): ChatSession<Output> {
  checkChatOptions(options);
  const { agent, limit, turnsWithoutModel = 'same-model' } = options;
  const sessionGuardrails = options.guardrails;
  // The agent's runs with this session's id as the conversation (telemetry, the recorder).
  const turns = agentTurnsOf(agent);
  const id = options.id ?? globalThis.crypto.randomUUID();
  const store = options.store ?? defaultStore(agent, options.id !== undefined);
  const now = options.now ?? Date.now;
  const logger = (options.logger ?? silentLogger).child({ component: 'chat', sessionId: id });
  const usage: AgentUsage = emptyUsage();

  const storeCall = async <T>(
    operation: ChatStoreOperation,
    call: () => T | Promise<T>,
  ): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      if (ChatStoreError.isInstance(error)) throw error;
      throw new ChatStoreError({
        message: `The chat history store failed to ${operation} session "${id}": ${describe(error)}`,
        operation,
        sessionId: id,
        cause: error,
      });
    }
  };

  const loadTurns = async (signal?: AbortSignal): Promise<ChatTurn[]> => {
    const context: HistoryStoreContext = { logger, signal };
    const turns = await storeCall('load', () => store.load(id, context));
    checkTurns(turns, 'load');
    return turns as ChatTurn[];
  };

  /**
   * The newest turns the limit can send and how many come before: from `store.loadRecent` when
   * the limit bounds the history and the store has it (it then need not read every turn), else
   * every turn from `load`.
   */
  const loadRecentTurns = async (
    signal: AbortSignal | undefined,
  ): Promise<{ turns: ChatTurn[]; olderTurns: number }> => {
    const bounded = limit?.maxTurns !== undefined || limit?.maxTokens !== undefined;
    if (!bounded || typeof store.loadRecent !== 'function') {
      return { turns: await loadTurns(signal), olderTurns: 0 };
    }
    const context: HistoryStoreContext = { logger, signal };
    const recent = await storeCall('load', () => store.loadRecent?.(id, limit, context));
    const olderTurns: unknown = (recent as { olderTurns?: unknown } | undefined)?.olderTurns;
    if (!Number.isSafeInteger(olderTurns) || (olderTurns as number) < 0) {
      throw new ChatStoreError({
        message: `The chat history store's loadRecent("${id}") returned ${describe(recent)} without a whole number olderTurns >= 0; it must return { turns, olderTurns }.`,
        operation: 'load',
        sessionId: id,
      });
    }
    const turns = (recent as { turns: unknown }).turns;
    checkTurns(turns, 'loadRecent');
    return { turns: turns as ChatTurn[], olderTurns: olderTurns as number };
  };

  const checkTurns = (turns: unknown, method: 'load' | 'loadRecent'): void => {
    const returned = method === 'load' ? 'returned' : 'returned turns';
    if (!Array.isArray(turns)) {
      throw new ChatStoreError({
        message: `The chat history store's ${method}("${id}") ${returned} ${describe(turns)}, not an array of turns.`,
        operation: 'load',
        sessionId: id,
      });
    }
    for (let index = 0; index < turns.length; index++) {
      const turn: unknown = turns[index];
      if (typeof turn !== 'object' || turn === null || !Array.isArray((turn as ChatTurn).contents))
        throw new ChatStoreError({
          message: `The chat history store's ${method}("${id}") returned turn ${index} without a contents array.`,
          operation: 'load',
          sessionId: id,
        });
    }
  };

  const abortedBeforeRun = (signal: AbortSignal) =>
    new AgentAbortedError({
      phase: 'between-steps',
      run: { contents: [], newContents: [], steps: [], usage: emptyUsage() },
      cause: signal.reason,
      message: `The chat send of session "${id}" was aborted before its run started; nothing was sent or saved.`,
    });

  /**
   * Loads the history, applies the limit, and gives the agent the turns sent, each with the model
   * that wrote it when another model wrote some (their thought signatures are that model's, so
   * the agent removes them); else the contents.
   */
  const prepare = async (
    parts: string | readonly Part[],
    signal: AbortSignal | undefined,
  ): Promise<SelectedHistory & { history: RunOptions['history'] }> => {
    const { turns, olderTurns } = await loadRecentTurns(signal).catch((error: unknown) => {
      throw signal?.aborted === true ? abortedBeforeRun(signal) : error;
    });
    // Awaited only on the first send; an abort while it loads is caught just below.
    const { estimateContentTokens, selectHistory, toHistoryTurns } =
      sendHelpers.value ?? (await sendHelpers.load());
    if (signal?.aborted === true) throw abortedBeforeRun(signal);
    const messageTokens =
      limit?.maxTokens === undefined
        ? 0
        : estimateContentTokens([
            { role: 'user', parts: typeof parts === 'string' ? [{ text: parts }] : [...parts] },
          ]);
    const selected = selectHistory(turns, limit, messageTokens, olderTurns);
    if (isLevelEnabled(logger, 'debug')) {
      logger.debug(
        {
          storedTurns: olderTurns + turns.length,
          sentTurns: selected.sentTurns,
          droppedTurns: selected.droppedTurns,
          tokens: selected.tokens,
        },
        'chat send started',
      );
    }
    const sentTurns = toHistoryTurns(turns, {
      start: selected.droppedTurns - olderTurns,
      model: agent.model,
      turnsWithoutModel,
    });
    return {
      contents: selected.contents,
      sentTurns: selected.sentTurns,
      droppedTurns: selected.droppedTurns,
      tokens: selected.tokens,
      history: sentTurns ?? selected.contents,
    };
  };

  const recordFailure = (error: unknown): void => {
    if (AgentRunError.isInstance(error)) addUsageMetadata(usage, error.run.usage);
  };

  /** Saves a completed run's turn (unless its prompt was blocked) and adds the session's info. */
  const save = async (
    result: AgentResult<Output>,
    selected: SelectedHistory,
  ): Promise<ChatResult<Output>> => {
    // Loaded by prepare(), which every save follows.
    const { measureTurnTokens } = sendHelpers.value ?? (await sendHelpers.load());
    addUsageMetadata(usage, result.usage);
    const turn: ChatTurn = {
      contents: result.newContents,
      tokenCount: measureTurnTokens(result as AgentResult<unknown>),
      createdAt: now(),
      model: agent.model,
    };
    const saved = !(
      result.finishReason === 'content-filter' && result.blocked?.source === 'prompt'
    );
    if (saved) {
      try {
        await store.append(id, turn, { logger });
      } catch (error) {
        throw new ChatStoreError({
          message: `The chat history store failed to save the turn of session "${id}" (${turn.contents.length} content(s)): ${describe(error)}. The store holds the history as it was before this send; error.result has the answer and error.unsaved the turn.`,
          operation: 'append',
          sessionId: id,
          unsaved: turn.contents,
          result,
          cause: error,
        });
      }
      if (isLevelEnabled(logger, 'debug')) {
        logger.debug(
          {
            contents: turn.contents.length,
            tokenCount: turn.tokenCount,
            finishReason: result.finishReason,
          },
          'chat turn saved',
        );
      }
    } else {
      logger.warn(
        { reason: result.blocked?.reason },
        'the prompt was blocked; the turn is not saved, so the next message is sent without it',
      );
    }
    const chatResult = result as ChatResult<Output>;
    chatResult.chat = {
      sessionId: id,
      sentTurns: selected.sentTurns,
      droppedTurns: selected.droppedTurns,
      saved,
      turn,
    };
    return chatResult;
  };

  const exclusive = <T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> =>
    runExclusive(store, id, task, {
      signal,
      onAbort: () => abortedBeforeRun(signal as AbortSignal),
    });

  const releasable = typeof store.release === 'function';
  /**
   * A send whose run found the agent closed (`agent.close()` before or during it) lets the store
   * drop what it holds for the conversation (a file lock), as `close()` does: the agent will not
   * answer again, and nothing else would release it before the session is closed.
   */
  const releaseIfAgentClosed = <T>(sending: Promise<T>): Promise<T> =>
    releasable
      ? sending.catch(async (error: unknown) => {
          if (isAgentClosed(error)) await session.close().catch(() => {});
          throw error;
        })
      : sending;

  const session: ChatSession<Output> = {
    id,
    store,
    get usage() {
      return { ...usage };
    },
    async send(message: ChatMessage, { signal, guardrails: sendGuardrails } = {}) {
      const guardrails = joinGuardrailOptions(sessionGuardrails, sendGuardrails);
      const parts = toMessageParts(message);
      return releaseIfAgentClosed(
        exclusive(async () => {
          const selected = await prepare(parts, signal);
          let result: AgentResult<Output>;
          try {
            result = await turns.run(
              parts,
              guardrails === undefined
                ? { signal, history: selected.history }
                : { signal, history: selected.history, guardrails },
              id,
            );
          } catch (error) {
            recordFailure(error);
            throw error;
          }
          return save(result, selected);
        }, signal),
      );
    },
    sendStream(message: ChatMessage, { signal, guardrails: sendGuardrails } = {}) {
      const guardrails = joinGuardrailOptions(sessionGuardrails, sendGuardrails);
      const stream = createAgentStream<Output>(async (emit, streamSignal) => {
        const parts = toMessageParts(message);
        return releaseIfAgentClosed(
          exclusive(async () => {
            const selected = await prepare(parts, streamSignal);
            const inner = turns.stream(
              parts,
              // Only a key it was given: the agent may be another's, with run options of its own.
              guardrails === undefined
                ? { signal: streamSignal, history: selected.history }
                : { signal: streamSignal, history: selected.history, guardrails },
              id,
            );
            // The page helpers of `@gemloop/core/web` redact tool arguments as the agent would.
            forwardStreamArgumentRedactor(inner, stream);
            let result: AgentResult<Output>;
            try {
              for await (const event of inner) {
                // Held back until the turn is saved: `run-end` means the answer is in the store.
                if (event.type !== 'run-end') emit(event as AgentEvent<unknown>);
              }
              result = await inner.result;
            } catch (error) {
              recordFailure(error);
              throw error;
            }
            const chatResult = await save(result, selected);
            emit({ type: 'run-end', result: chatResult as AgentResult<unknown> });
            return chatResult;
          }, streamSignal),
        );
      }, signal);
      return stream as ChatStream<Output>;
    },
    history() {
      return exclusive(async () => (await loadTurns()).flatMap((turn) => turn.contents));
    },
    turns() {
      return exclusive(() => loadTurns());
    },
    reset() {
      return exclusive(() => storeCall('clear', () => store.clear(id, { logger })));
    },
    close() {
      if (!releasable) return Promise.resolve();
      return exclusive(() =>
        storeCall('release', async () => {
          await store.release?.(id, { logger });
        }),
      );
    },
  } satisfies Omit<ChatSession<Output>, typeof Symbol.asyncDispose> as ChatSession<Output>;
  // Only where the runtime has the symbol, as for the agent.
  if (typeof Symbol.asyncDispose === 'symbol') {
    (session as { [Symbol.asyncDispose]: () => Promise<void> })[Symbol.asyncDispose] = () =>
      session.close();
  }
  return session;
}

function defaultStore(agent: object, shared: boolean): HistoryStore {
  if (!shared) return createMemoryHistoryStore();
  let store = defaultStores.get(agent);
  if (store === undefined) {
    store = createMemoryHistoryStore();
    defaultStores.set(agent, store);
  }
  return store;
}

/** Whether a send failed because the agent was closed (before the run, or during it). */
function isAgentClosed(error: unknown): boolean {
  return (
    AgentClosedError.isInstance(error) ||
    (AgentAbortedError.isInstance(error) && AgentClosedError.isInstance(error.cause))
  );
}

function describe(value: unknown): string {
  if (value instanceof Error) return value.message;
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : String(value);
}
