import type { RunOptions } from '../../agent/config/agent-options.ts';
import type { HistoryTurn } from '../../history/history-turn.ts';
import { isLevelEnabled, type Logger } from '../../logging/logger.ts';
import { LoadOnce } from '../../shared/load-once.ts';
import type { Content, Part } from '../../wire/content.ts';
import type { ChatHistoryLimit } from '../chat-history-limit.ts';
import type { ChatTurn } from '../history-store.ts';
import type { SessionStore } from '../session-store.ts';
import type { CompactedView, PreparedChatSend } from './save-chat-turn.ts';

// What a chat session does once it sends or reads its store: loaded by the session's first send
// (or history read), not by `import '@gemloop/core'`, whose cost is Node's loader per module and
// per import statement (bench/RESULTS.md, "Cold import, counted").

/** What a send needs besides the store and the agent: the history limit and token counts. @internal */
export type SendHelpers = {
  estimateContentTokens: typeof import('../../history/estimate-tokens.ts')['estimateContentTokens'];
  selectHistory: typeof import('../select-history.ts')['selectHistory'];
  toHistoryTurns: typeof import('../to-history-turns.ts')['toHistoryTurns'];
  turnProducer: typeof import('../to-history-turns.ts')['turnProducer'];
  measureTurnTokens: typeof import('../measure-turn-tokens.ts')['measureTurnTokens'];
};

/**
 * The send helpers, loaded by the first send, not by `import '@gemloop/core'`: Node's ESM loader
 * pays for every module at import, and the root must stay cheap to import (bench/README.md,
 * "Cold import"). A failed load is not kept (the next send tries again).
 * @internal
 */
export const sendHelpers: LoadOnce<SendHelpers> = new LoadOnce(async (): Promise<SendHelpers> => {
  const [
    { estimateContentTokens },
    { selectHistory },
    { toHistoryTurns, turnProducer },
    { measureTurnTokens },
  ] = await Promise.all([
    import('../../history/estimate-tokens.ts'),
    import('../select-history.ts'),
    import('../to-history-turns.ts'),
    import('../measure-turn-tokens.ts'),
  ]);
  return { estimateContentTokens, selectHistory, toHistoryTurns, turnProducer, measureTurnTokens };
});

/** What {@link prepareChatSend} reads of the session. @internal */
export type PrepareChatSendOptions = {
  sessionStore: SessionStore;
  limit: ChatHistoryLimit | undefined;
  logger: Logger;
  /** The session agent's model. */
  model: string;
  turnsWithoutModel: 'same-model' | 'other-model';
  /** Where the last send left the compacted history, if it did. */
  view: CompactedView | undefined;
  /** Adds what the stored turns say was spent, once per session. */
  restoreSpend: (turns: readonly ChatTurn[]) => void;
  /** The error of a send aborted before its run started. */
  abortedBeforeRun: (signal: AbortSignal) => Error;
  /**
   * Keeps the session's queue until a store read the send stopped waiting for (its signal
   * aborted) has settled: the store is never called twice at once for one id.
   */
  hold?: ((pending: Promise<unknown>) => void) | undefined;
};

/**
 * Loads the history, applies the limit, and gives the agent the turns sent, each with the model
 * that wrote it when another model wrote some (their thought signatures are that model's, so
 * the agent removes them); else the contents. A send right after one that compacted, with the
 * store as it left it, starts from that send's compacted history instead.
 * @internal
 */
export async function prepareChatSend(
  parts: string | readonly Part[],
  signal: AbortSignal | undefined,
  {
    sessionStore,
    limit,
    logger,
    model,
    turnsWithoutModel,
    view,
    restoreSpend,
    abortedBeforeRun,
    hold,
  }: PrepareChatSendOptions,
): Promise<PreparedChatSend & { history: RunOptions['history'] }> {
  const { turns, olderTurns } = await sessionStore
    .loadRecent(signal, hold)
    .catch((error: unknown) => {
      throw signal?.aborted === true ? abortedBeforeRun(signal) : error;
    });
  restoreSpend(turns);
  // A custom store hands back what it was given or made: a holder that is no name is none.
  const stored: unknown = turns[turns.length - 1]?.agent;
  const holder = typeof stored === 'string' ? stored : undefined;
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
    model,
    turnsWithoutModel,
  });
  const storedTurns = olderTurns + turns.length;
  if (
    view !== undefined &&
    view.storedTurns === storedTurns &&
    turns.at(-1)?.createdAt === view.lastCreatedAt &&
    selected.droppedTurns === 0 &&
    sentTurns === undefined
  ) {
    return {
      contents: selected.contents,
      sentTurns: selected.sentTurns,
      droppedTurns: 0,
      tokens: selected.tokens,
      history: [...view.contents],
      holder,
      storedTurns,
      usedView: true,
    };
  }
  return {
    storedTurns,
    usedView: false,
    contents: selected.contents,
    sentTurns: selected.sentTurns,
    droppedTurns: selected.droppedTurns,
    tokens: selected.tokens,
    history: withInteraction(
      sentTurns,
      selected.contents,
      selected.droppedTurns === 0 ? turns.at(-1)?.interactionId : undefined,
    ),
    holder,
  };
}

/**
 * The history a send gives its run: the stored turns' contents (or turns, where another model
 * wrote some), the last one naming the interaction that holds the conversation on the server when
 * the stored last turn has one (api: interactionsApi()). Only for a history sent whole: after a limit
 * dropped turns, the server's copy holds more than the send may, so it goes whole as steps.
 */
function withInteraction(
  sentTurns: HistoryTurn[] | undefined,
  contents: Content[],
  interactionId: string | undefined,
): RunOptions['history'] {
  if (interactionId === undefined) return sentTurns ?? contents;
  if (sentTurns === undefined) return [{ contents, interactionId }];
  const last = sentTurns.at(-1);
  if (last === undefined) return sentTurns;
  return [...sentTurns.slice(0, -1), { ...last, interactionId }];
}
