import { ChatStoreError } from '../../errors/chat-store-error.ts';
import { isLevelEnabled, type Logger } from '../../logging/logger.ts';
import type { AgentResult } from '../../run/agent-result.ts';
import type { Content } from '../../wire/content.ts';
import type { ChatResult } from '../chat-session.ts';
import type { ChatSpend } from '../chat-spend.ts';
import type { ChatTurn, HistoryStore } from '../history-store.ts';
import type { SelectedHistory } from '../select-history.ts';
import { describeValue } from '../session-store.ts';

/**
 * The history a send sent once it compacted: the compacted prefix and the contents after it, the
 * answer included, and which stored turns it covers (see `openChatConversation`'s
 * `compactedView`).
 * @internal
 */
export type CompactedView = {
  storedTurns: number;
  lastCreatedAt: number | undefined;
  contents: readonly Content[];
};

/** What a send's preparation chose: the history selected, its holder and where it started. @internal */
export type PreparedChatSend = SelectedHistory & {
  holder: string | undefined;
  storedTurns: number;
  usedView: boolean;
};

/** What {@link saveChatTurn} needs besides the run's result. @internal */
export type SaveChatTurnOptions = {
  id: string;
  store: HistoryStore;
  spend: ChatSpend;
  logger: Logger;
  now: () => number;
  /** The turn's model: the agent's, unless a plugin sent calls of the turn to another. */
  model: string;
  tokenCount: number;
};

/**
 * Saves a completed run's turn (unless its prompt was blocked) and adds the session's info to the
 * result. `view` is where the next send starts when the turn was saved (`saved`), undefined when
 * it starts from the store.
 *
 * @throws {@link ChatStoreError} when the store fails to save the turn (the answer on its
 *   `result`, the turn on `unsaved`).
 * @internal
 */
export async function saveChatTurn<Output>(
  result: AgentResult<Output>,
  selected: PreparedChatSend,
  { id, store, spend, logger, now, model, tokenCount }: SaveChatTurnOptions,
): Promise<{ chatResult: ChatResult<Output>; saved: boolean; view: CompactedView | undefined }> {
  const holder = result.handoffs?.at(-1) ?? selected.holder;
  spend.addResult(result as AgentResult<unknown>);
  const turn: ChatTurn = { contents: result.newContents, tokenCount, createdAt: now(), model };
  if (result.cost !== undefined) turn.cost = result.cost;
  turn.sessionSpend = spend.snapshot();
  if (holder !== undefined) turn.agent = holder;
  // The interaction holding the conversation on the server (api: interactionsApi()): the next
  // send continues from it, from this process or another one after a restart.
  const interactionId = result.steps.findLast(
    (step) => step.interactionId !== undefined,
  )?.interactionId;
  if (interactionId !== undefined) turn.interactionId = interactionId;
  const saved = !(result.finishReason === 'content-filter' && result.blocked?.source === 'prompt');
  let view: CompactedView | undefined;
  if (saved) {
    try {
      await store.append(id, turn, { logger });
      // What this send sent, compacted, is where the next one starts (see CompactedView).
      const sent =
        result.compaction?.sentContents ?? (selected.usedView ? result.contents : undefined);
      view =
        sent === undefined
          ? undefined
          : {
              storedTurns: selected.storedTurns + 1,
              lastCreatedAt: turn.createdAt,
              contents: sent,
            };
    } catch (error) {
      throw new ChatStoreError({
        message: `The chat history store failed to save the turn of session "${id}" (${turn.contents.length} content(s)): ${describeValue(error)}. The store holds the history as it was before this send; error.result has the answer and error.unsaved the turn.`,
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
  return { chatResult, saved, view };
}
