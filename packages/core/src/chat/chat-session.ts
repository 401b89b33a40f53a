import type { AgentStream } from '../agent/agent-stream.ts';
import type { Agent } from '../agent/create-agent.ts';
import type { AgentPlugin } from '../agent/plugins/agent-plugin.ts';
import type { Compaction } from '../compaction/compaction.ts';
import type { Guardrails } from '../guardrails/guardrails.ts';
import type { Logger } from '../logging/logger.ts';
import type { Cost } from '../models/cost.ts';
import type { AgentResult, AgentUsage } from '../run/agent-result.ts';
import type { AsyncDispose } from '../shared/async-dispose.ts';
import type { SteeringMessage } from '../steering/steering-options.ts';
import type { Content } from '../wire/content.ts';
import type { GenerationConfig } from '../wire/request.ts';
import type { ChatHistoryLimit } from './chat-history-limit.ts';
import type { ChatTurn, HistoryStore } from './history-store.ts';
import type { ChatMessage } from './to-message-parts.ts';

/** Options of {@link createChatSession}. */
export type CreateChatSessionOptions<Output = undefined> = {
  /** The agent that answers, from `createAgent()`. */
  agent: Agent<Output>;
  /**
   * Where the turns are kept. @defaultValue in memory: with an `id`, one store per agent, kept
   * as long as the agent (so `createChatSession({ agent, id })` continues that conversation);
   * without one, the session's own. The agent's store keeps every conversation it was given, each
   * whole, until `reset()` (`close()` ends the session, not the conversation): a server with many
   * users gives a store of its own, with the retention it needs (the file or Postgres store, or a
   * `HistoryStore` of its own).
   */
  store?: HistoryStore | undefined;
  /** The conversation's id in the store. @defaultValue a random UUID */
  id?: string | undefined;
  /** How much stored history goes with each message. @defaultValue everything */
  limit?: ChatHistoryLimit | undefined;
  /**
   * Compaction of what each message sends (see the agent's `compaction` option), in place of the
   * agent's (`compaction({ ... })` of `@gemloop/core/compaction`); `false` turns the agent's off
   * for this session. The store keeps the whole history.
   * @defaultValue the agent's
   */
  compaction?: Compaction | false | undefined;
  /**
   * Where the session logs (`component: 'chat'`, with its `sessionId`); pass the agent's logger
   * to have one stream. @defaultValue silent
   */
  logger?: Logger | undefined;
  /** The clock, for `ChatTurn.createdAt`. @defaultValue Date.now */
  now?: (() => number) | undefined;
  /**
   * Whose are stored turns that do not record their `model` (saved before gemloop recorded it,
   * or by a store that drops the field). Each saved turn records the agent's model; turns of
   * another model are sent without their thought signatures, which that model alone accepts (the
   * agent puts the documented dummy where Gemini 3 requires one). `'same-model'` sends the
   * signatures of unrecorded turns as they are; `'other-model'` treats those turns as another
   * model's, for a store that may hold turns of a model the agent no longer uses.
   * @defaultValue 'same-model'
   */
  turnsWithoutModel?: 'same-model' | 'other-model' | undefined;
  /**
   * Guardrails of every send of this session, run after the agent's and before a send's own (see
   * `GuardrailOptions`, `@gemloop/core/guardrails`). The stored turns keep the model's content
   * verbatim (it is sent back to Gemini); an output rewrite is what `send` returns.
   */
  guardrails?: Guardrails | undefined;
  /**
   * Plugins of every send of this session (`@gemloop/core/plugins`), after the agent's: each
   * send is a run, so a plugin's `startRun` state lasts one send (keep what must outlive a turn in
   * the plugin's own store).
   */
  // biome-ignore lint/suspicious/noExplicitAny: a list of plugins, each with its own state type
  plugins?: readonly AgentPlugin<any>[] | undefined;
  /**
   * What this session object may spend, in US dollars (priced by the agent's `prices` over
   * gemloop's table). A turn that goes over it ends after the step that did (its run stops with
   * `finishReason: 'stop-condition'`, its turn is saved); the next send throws a
   * `ChatBudgetExceededError` with the usage and cost so far, and sends nothing. Counted like
   * `usage`: the conversation's sends, failed ones included, those of earlier session objects on
   * the same store too (restored from the stored turns). An unknown cost counts as over. A
   * budget of `0` sends nothing: every send throws the `ChatBudgetExceededError`.
   * @defaultValue no budget
   */
  budget?: ChatBudget | undefined;
};

/** A chat session's spending limit (see `CreateChatSessionOptions.budget`). */
export type ChatBudget = {
  /** US dollars, a number or a decimal string: `0.5`, `'2.00'`. */
  maxCostUsd: number | string;
};

/** Options of one send. */
export type ChatSendOptions = {
  /**
   * Aborts the send: while it waits for an earlier send, while the history loads, and during the
   * run. An aborted send saves nothing. Once the run has completed its turns are saved anyway.
   */
  signal?: AbortSignal | undefined;
  /** Guardrails of this send alone, run after the agent's and the session's. */
  guardrails?: Guardrails | undefined;
  /**
   * Generation settings of this send's run alone, over the agent's `generationConfig` (the
   * agent's `generationConfig` run option, `RunOptions.generationConfig`, checked as it is).
   */
  generationConfig?: GenerationConfig | undefined;
};

/** What a send did with the history. */
export type ChatSendInfo = {
  sessionId: string;
  /** Stored turns sent with the message. */
  sentTurns: number;
  /** Oldest stored turns the limit left out (they stay in the store). */
  droppedTurns: number;
  /** Whether the new turn was saved: `false` only when the prompt was blocked. */
  saved: boolean;
  /** The turn as saved (or as it would have been). */
  turn: ChatTurn;
};

/**
 * The agent's result of one send, with what the session did. `contents` is the history sent plus
 * the new turns; `newContents` is what was saved.
 */
export type ChatResult<Output = undefined> = AgentResult<Output> & { chat: ChatSendInfo };

/** What `sendStream()` returns: the agent's event stream, `result` with the session's info. */
export type ChatStream<Output = undefined> = Omit<AgentStream<Output>, 'result'> & {
  /** Resolves once the run has completed and its turns are saved. */
  readonly result: Promise<ChatResult<Output>>;
};

/**
 * A multi-turn conversation with an agent, kept in a {@link HistoryStore}.
 *
 * Each send loads the stored turns, applies the limit, runs the agent on that history and the new
 * message, and saves the new turn (the message and every content the run added, verbatim) in one
 * append, only once the run has completed:
 *
 * - a completed run is saved whatever its finish reason (`stop`, `max-steps`, `max-tokens`,
 *   `stop-condition`, a blocked answer, ...): its history is consistent. Except a blocked
 *   prompt: saving it would send it again with every later message and block them all;
 * - a run that throws (an API failure, an abort, a tool error with `toolErrors: 'throw'`) saves
 *   nothing: the store holds exactly what it held before the send.
 *
 * Sends, `history()`, `turns()` and `reset()` of one conversation (same store and id, any number
 * of session objects in the process) run one at a time in call order; other conversations run in
 * parallel.
 */
export type ChatSession<Output = undefined> = {
  /** The conversation's id in the store. */
  readonly id: string;
  readonly store: HistoryStore;
  /**
   * Token usage summed over the conversation's sends, failed ones included (they were billed
   * too). Stored with each turn (`ChatTurn.sessionSpend`): a session reopened on the store, in
   * this process or another, goes on from what the newest stored turn says once it has loaded the
   * history (its first send, `history()` or `turns()`); a history saved without it (an older
   * gemloop) starts from zero. What a failed send spent is stored with the next saved turn.
   * `reset()` keeps it.
   */
  readonly usage: AgentUsage;
  /**
   * What {@link ChatSession.usage} cost, summed exactly over the same sends and restored the same
   * way (each turn's own is `result.cost`, and `turn.cost` in the store). Unknown once a send's
   * price was.
   */
  readonly cost: Cost;
  /**
   * Sends a message and resolves once the answer is saved.
   *
   * @throws {@link ChatStoreError} when the store fails (`load`: nothing was sent; `append`:
   *   `error.result` holds the answer, `error.unsaved` the turn).
   * @throws the agent's errors (`ModelCallError`, `AgentAbortedError`, ...): nothing was saved.
   * @throws {@link ChatBudgetExceededError} when the `budget` is spent: nothing was sent.
   */
  send(message: ChatMessage, options?: ChatSendOptions): Promise<ChatResult<Output>>;
  /**
   * {@link ChatSession.send} with the agent's events. The turns saved are the same; `run-end`
   * comes after the save, and a store failure fails the iteration and `result` with a
   * {@link ChatStoreError}. Breaking out of the iteration aborts the run.
   */
  sendStream(message: ChatMessage, options?: ChatSendOptions): ChatStream<Output>;
  /**
   * Steers the send in flight (`send` or `sendStream`): the message joins the history at the
   * run's next step boundary, after the function responses of a turn with calls, and is saved
   * with the send's turn (see `Steering.steer`, `@gemloop/core/steering`). With several sends
   * waiting, the one whose run is under way gets it.
   * @throws {@link SteeringError} `no-send-in-flight` when no run is under way (use `send`),
   *   `run-ended` once the send in flight was aborted, by its signal or `agent.close()` (it
   *   saves nothing: use `send`),
   *   `too-many-pending` past 32 waiting, `empty-message` or `invalid-message`.
   */
  steer(message: SteeringMessage): void;
  /**
   * Adds a message for after the current answer: the send in flight goes on with it as a
   * follow-up turn (one result, one saved turn, holding both answers).
   * @throws {@link SteeringError} as `steer()` does; with no send in flight,
   *   `send` the message instead.
   */
  queue(message: SteeringMessage): void;
  /** Every stored content, oldest first (all of it, whatever the limit). */
  history(): Promise<Content[]>;
  /** The stored turns, oldest first. */
  turns(): Promise<ChatTurn[]>;
  /** Forgets the stored history; the next send starts a new conversation under the same id. */
  reset(): Promise<void>;
  /**
   * Ends the session once its queued calls are done, and lets the store drop what it holds for
   * the conversation (`store.release(id)`): the file store removes its lock on the file, so
   * another process can continue the conversation, and its cached history. A later call opens it
   * again. The agent does not close its chats (`agent.close()` closes the agent): close each
   * session, or the store as a whole (`store.close()` of the file store). A send that finds its
   * agent closed releases the conversation itself. Also `await using chat = ...`.
   */
  close(): Promise<void>;
  /** `close()`, where the runtime has `Symbol.asyncDispose`. */
  [Symbol.asyncDispose]: AsyncDispose;
};
