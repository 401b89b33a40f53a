import type { ChatTurn, HistoryStore } from '@gemloop/core/chat';

/**
 * A chat store of the user's own that hands back `turns` as they are (rows gemloop did not write,
 * for the chat attack tests) and keeps what the session appends.
 */
export function storeOf(turns: unknown[]): HistoryStore & { appended: ChatTurn[] } {
  const appended: ChatTurn[] = [];
  return {
    appended,
    load: () => turns as ChatTurn[],
    append: (_id, one) => {
      appended.push(one);
    },
    clear: () => {},
  };
}
