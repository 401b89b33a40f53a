import type { AgentEvent } from '../agent/agent-event.ts';
import type { StreamSteering } from '../agent/agent-stream.ts';
import { type AgentTurns, agentTurnsOf } from '../agent/agent-turns.ts';
import type { RunOptions } from '../agent/config/agent-options.ts';
import type { Agent } from '../agent/create-agent.ts';
import { AgentAbortedError } from '../agent/errors/agent-aborted-error.ts';
import { AgentClosedError } from '../agent/errors/agent-closed-error.ts';
import type { LatePlugins } from '../agent/plugins/run-plugins.ts';
import { keyRootOf, keySourceOf, markRedactingStream } from '../agent/redacting-streams.ts';
import { emptyUsage } from '../agent/usage.ts';
import { checkReceiverNames, findHandoffReceiver } from '../composition/handoff-receiver.ts';
import { joinGuardrails } from '../guardrails/join-guardrails.ts';
import { silentLogger } from '../logging/logger.ts';
import { zeroCost } from '../models/cost.ts';
import type { UntaggedAgentEvent } from '../run/agent-event.ts';
import type { AgentResult } from '../run/agent-result.ts';
import type { Steering } from '../run/steering-controller.ts';
import type { Part } from '../wire/content.ts';
import type {
  ChatResult,
  ChatSendOptions,
  ChatSession,
  ChatStream,
  CreateChatSessionOptions,
} from './chat-session.ts';
import { ChatSpend } from './chat-spend.ts';
import { prepareChatSend, sendHelpers } from './conversation/prepare-chat-send.ts';
import {
  type CompactedView,
  type PreparedChatSend,
  saveChatTurn,
} from './conversation/save-chat-turn.ts';
import { unknownChatHolder } from './conversation/unknown-chat-holder.ts';
import type { ChatTurn, HistoryStore } from './history-store.ts';
import { runExclusive } from './run-exclusive.ts';
import { latestSessionSpend } from './session-spend.ts';
import { SessionStore } from './session-store.ts';
import { type ChatMessage, toMessageParts } from './to-message-parts.ts';

// What a chat session does once it sends or reads its store: loaded by the session's first send
// (or history read), not by `import '@gemloop/core'`. `createChatSession` keeps what must answer
// at once: the option checks, the id and store, and the steering of a send.

/** What `createChatSession` hands the conversation it loads. @internal */
export type ChatConversationSetup<Output> = {
  options: CreateChatSessionOptions<Output>;
  /** The options' defaults applied (by the session, which checked them). */
  turnsWithoutModel: NonNullable<CreateChatSessionOptions<Output>['turnsWithoutModel']>;
  now: () => number;
  id: string;
  store: HistoryStore;
  /** The session's `close()`, which a send that finds the agent closed calls. */
  closeSession: () => Promise<void>;
};

/**
 * How a send is steered, from the session: `run` binds the send's steering to the session
 * (`chat.steer()` reaches it) for as long as `body` runs. @internal
 */
export type SteerSend = <T>(
  sending: AgentTurns<unknown>,
  body: (steering: SendSteering) => Promise<T>,
  /** The send's own signal: once it aborts, the session refuses to steer the send. */
  signal: AbortSignal | undefined,
) => Promise<T>;

/** The steering of a streamed send: made with the stream, bound while its run is under way. @internal */
export type StreamSendSteering = {
  /** Binds it to the session and loads its controller, once the send's turn has come. */
  begin(): Promise<SendSteering>;
  /** Unbinds it, once the send's run has ended. */
  end(): void;
};

/** A chat session's sends and store reads, made by its first. @internal */
export type ChatConversation<Output> = {
  readonly spend: ChatSpend;
  send(
    message: ChatMessage,
    options: ChatSendOptions,
    steerSend: SteerSend,
  ): Promise<ChatResult<Output>>;
  streamSend(
    message: ChatMessage,
    sendOptions: Pick<ChatSendOptions, 'guardrails' | 'generationConfig'>,
    steering: StreamSendSteering,
    emit: (event: UntaggedAgentEvent<unknown>) => void | Promise<void>,
    signal: AbortSignal,
    stream: ChatStream<Output>,
  ): Promise<ChatResult<Output>>;
  history: ChatSession<Output>['history'];
  turns: ChatSession<Output>['turns'];
  reset: ChatSession<Output>['reset'];
  close: ChatSession<Output>['close'];
};

/** The conversation of a session (see {@link ChatConversation}). @internal */
export function openChatConversation<Output>({
  options,
  turnsWithoutModel,
  now,
  id,
  store,
  closeSession,
}: ChatConversationSetup<Output>): ChatConversation<Output> {
  const { agent, limit, compaction } = options;
  const sessionGuardrails = options.guardrails;
  const plugins = options.plugins;
  const turns = agentTurnsOf(agent);
  // Before anything is loaded or sent: the holder is found by name, so one name must be one agent.
  checkReceiverNames(
    agent as Agent<unknown>,
    { caller: 'createChatSession', argument: 'agent' },
    plugins ?? [],
  );
  /**
   * The turns of the agent that holds the conversation: the session's own, or the one a hand-off
   * gave it to (the stored `agent` of the last turn), found by that name among the receivers the
   * plugins of the session's agent, of the agents they reach and of the session declare (a
   * `handoff()` tool's, a third party's). A name none declares (the team changed since, or
   * another version of the app holds the conversation) is an `UnknownHandoffAgentError` naming the
   * session, the agent and the fix, before anything is sent, as a durable chat turn's: the session's
   * agent taking the conversation over would take it from a holder another process still has.
   */
  const holderTurns = (selected: PreparedChatSend): AgentTurns<Output> => {
    const holder = selected.holder;
    if (holder === undefined) return turns;
    const receiver = findHandoffReceiver(agent as Agent<unknown>, holder, plugins);
    if (receiver !== undefined) return agentTurnsOf(receiver) as AgentTurns<Output>;
    throw unknownChatHolder(id, holder);
  };
  /**
   * Where the keys of the session agent's tree are read (`treeKeysOf`), for its sends' doors: with
   * the receivers the session's plugins declare.
   */
  const sessionKeys = () => {
    const config = turns.handoffTarget?.(undefined).config;
    return config === undefined ? undefined : keyRootOf(config, plugins);
  };
  const logger = (options.logger ?? silentLogger).child({ component: 'chat', sessionId: id });
  const spend = new ChatSpend(id, options.budget);
  /**
   * What the conversation spent before this session object, from the newest stored turn
   * (`sessionSpend`), added once, at the first load: `chat.usage` and `chat.cost` (and the
   * budget) go on across processes instead of starting again at zero.
   */
  let spendRestored = false;
  const restoreSpend = (turns: readonly ChatTurn[]): void => {
    if (spendRestored) return;
    spendRestored = true;
    const stored = latestSessionSpend(turns);
    if (stored !== undefined) spend.restore(stored);
  };
  const sessionStore = new SessionStore(store, id, logger, limit);
  /**
   * The history the last send sent once it compacted (the `compaction` option, the session's or
   * the agent's): the compacted prefix and the contents after it, the answer included. The next
   * send starts from it instead of the whole stored history, so the history sent stays compacted
   * and byte-stable between turns (Gemini's implicit cache keeps hitting on its prefix) and is
   * compacted again only when it grows past the threshold, instead of on every turn. The store
   * keeps every turn whole. Used only while the store holds exactly the turns it covers (no other
   * writer, no clear, no limit dropping turns).
   */
  let compactedView: CompactedView | undefined;
  /**
   * A send's run options: the budget's (see `ChatSpend.runOptions`), the history it continues, its steering, and
   * the session's compaction and guardrails, only as keys it was given (the agent may be another's,
   * with run options of its own).
   */
  const sendOptions = (
    budgeted: RunOptions,
    history: RunOptions['history'],
    guardrails: RunOptions['guardrails'],
    { steering }: SendSteering,
    generationConfig: RunOptions['generationConfig'],
  ): RunOptions => ({
    ...budgeted,
    history,
    ...(steering === undefined ? {} : { steering }),
    ...(compaction === undefined ? {} : { compaction }),
    ...(guardrails === undefined ? {} : { guardrails }),
    ...(generationConfig === undefined ? {} : { generationConfig }),
    ...(plugins === undefined || plugins.length === 0 ? {} : { plugins }),
  });

  const abortedBeforeRun = (signal: AbortSignal) =>
    new AgentAbortedError({
      phase: 'between-steps',
      run: { contents: [], newContents: [], steps: [], usage: emptyUsage(), cost: zeroCost() },
      // Through the agent's redactor, as a run's signal passes its reason on (followSignal): a
      // caller may abort with the key in the reason (attack-core11).
      cause: (turns.handoffTarget?.(undefined).config.redact ?? ((reason: unknown) => reason))(
        signal.reason,
      ),
      message: `The chat send of session "${id}" was aborted before its run started; nothing was sent or saved.`,
    });

  const prepare = (
    parts: string | readonly Part[],
    signal: AbortSignal | undefined,
    hold: (pending: Promise<unknown>) => void,
  ) =>
    prepareChatSend(parts, signal, {
      sessionStore,
      limit,
      logger,
      model: agent.model,
      turnsWithoutModel,
      view: compactedView,
      restoreSpend,
      abortedBeforeRun,
      hold,
    });

  /** Saves a completed run's turn (see saveChatTurn); the next send starts where it left the history. */
  const save = async (
    result: AgentResult<Output>,
    selected: PreparedChatSend,
  ): Promise<ChatResult<Output>> => {
    // Loaded by prepare(), which every save follows.
    const { measureTurnTokens, turnProducer } = sendHelpers.value ?? (await sendHelpers.load());
    const { chatResult, saved, view } = await saveChatTurn(result, selected, {
      id,
      store,
      spend,
      logger,
      now,
      // The agent's model, unless a plugin sent calls of the turn to another (a fallback).
      model: turnProducer(result.steps, agent.model),
      tokenCount: measureTurnTokens(result as AgentResult<unknown>),
    });
    if (saved) compactedView = view;
    return chatResult;
  };

  const exclusive = <T>(
    task: (hold: (pending: Promise<unknown>) => void) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> =>
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
          if (isAgentClosed(error)) await closeSession().catch(() => {});
          throw error;
        })
      : sending;

  return {
    spend,
    send(message, { signal, guardrails: sendGuardrails, generationConfig } = {}, steerSend) {
      const guardrails = joinGuardrails(sessionGuardrails, sendGuardrails);
      const parts = toMessageParts(message);
      return releaseIfAgentClosed(
        exclusive(async (hold) => {
          // Loaded first: the budget counts what the stored turns say was spent.
          const selected = await prepare(parts, signal, hold);
          const runOptions = spend.runOptions(signal);
          const sending = holderTurns(selected);
          let result: AgentResult<Output>;
          try {
            result = await steerSend(
              sending as AgentTurns<unknown>,
              (steering) =>
                sending.run(
                  parts,
                  sendOptions(runOptions, selected.history, guardrails, steering, generationConfig),
                  id,
                  steering.late,
                ),
              signal,
            );
          } catch (error) {
            spend.addFailure(error);
            throw error;
          }
          return save(result, selected);
        }, signal),
      );
    },
    streamSend(
      message,
      { guardrails: sendGuardrails, generationConfig },
      { begin, end },
      emit,
      streamSignal,
      stream,
    ) {
      const guardrails = joinGuardrails(sessionGuardrails, sendGuardrails);
      const parts = toMessageParts(message);
      return releaseIfAgentClosed(
        exclusive(async (hold) => {
          const selected = await prepare(parts, streamSignal, hold);
          // Before the stream's steering begins: a holder nobody reaches sends nothing.
          const sending = holderTurns(selected);
          const runOptions = spend.runOptions(streamSignal);
          const steering = await begin();
          const inner = sending.stream(
            parts,
            sendOptions(runOptions, selected.history, guardrails, steering, generationConfig),
            id,
            undefined,
            undefined,
            steering.late,
          );
          inner.result
            .then(
              () => {},
              () => {},
            )
            .finally(end);
          // Its events are the agent stream's: their tool calls carry `redactedArgs`, so the page
          // helpers of `@gemloop/core/web` may show their arguments. Its keys are those of the
          // session's agent's whole tree, not the holder's (a hand-off's receiver reaches neither
          // the agent that handed to it nor that one's other agents; its tree is in the session's).
          markRedactingStream(stream, sessionKeys() ?? keySourceOf(inner));
          let result: AgentResult<Output>;
          try {
            for await (const event of inner) {
              // The send's own `run-end` is held back until the turn is saved (it means the answer
              // is in the store); a subagent's (a path) ends inside a tool call and passes, as in
              // `agent.stream`.
              if (event.type !== 'run-end' || event.path.length > 0)
                emit(event as AgentEvent<unknown>);
            }
            result = await inner.result;
          } catch (error) {
            spend.addFailure(error);
            throw error;
          }
          const chatResult = await save(result, selected);
          emit({ type: 'run-end', result: chatResult as AgentResult<unknown> });
          return chatResult;
        }, streamSignal),
      );
    },
    history() {
      return exclusive(async () => {
        const turns = await sessionStore.load();
        restoreSpend(turns);
        return turns.flatMap((turn) => turn.contents);
      });
    },
    turns() {
      return exclusive(async () => {
        const turns = await sessionStore.load();
        restoreSpend(turns);
        return turns;
      });
    },
    reset() {
      return exclusive(async () => {
        await sessionStore.call('clear', () => store.clear(id, { logger }));
        compactedView = undefined;
      });
    },
    close() {
      return exclusive(() =>
        sessionStore.call('release', async () => {
          await store.release?.(id, { logger });
        }),
      );
    },
  };
}

/** Whether a send failed because the agent was closed (before the run, or during it). */
function isAgentClosed(error: unknown): boolean {
  return (
    AgentClosedError.isInstance(error) ||
    (AgentAbortedError.isInstance(error) && AgentClosedError.isInstance(error.cause))
  );
}

/**
 * How one send is steered (`chat.steer()`, the stream's `steer()`): for an agent `createAgent`
 * made, its own steering, which joins the run on the first message (a send nobody steers runs
 * none of it); for another's agent, a controller passed as the public `steering` run option.
 */
/** @internal */
export type SendSteering = {
  readonly handle: StreamSteering;
  readonly late?: LatePlugins | undefined;
  /** Another's agent: the controller over the send's queue (loaded when the send starts). */
  readonly controller?: (() => Promise<Steering>) | undefined;
  steering?: Steering | undefined;
};
