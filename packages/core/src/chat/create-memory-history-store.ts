import type { ChatTurn, HistoryStore } from './history-store.ts';

/** A {@link HistoryStore} in the process's memory, made by {@link createMemoryHistoryStore}. */
export type MemoryHistoryStore = HistoryStore & {
  /** The ids that have turns. */
  ids(): string[];
};

/**
 * A {@link HistoryStore} in memory: the default of chat sessions. The contents are kept as the
 * objects given (not deep copies, so a long conversation costs its contents once): do not mutate
 * the contents of a result. Everything is lost with the process.
 *
 * @example
 * ```ts
 * const store = createMemoryHistoryStore();
 * const chat = createChatSession({ agent, store, id: 'user-42' });
 * ```
 */
export function createMemoryHistoryStore(): MemoryHistoryStore {
  const turnsById = new Map<string, ChatTurn[]>();
  return {
    load(id) {
      return turnsById.get(id)?.slice() ?? [];
    },
    append(id, turn) {
      // A copy of the list (not of the contents), so pushing to a result's array changes nothing.
      const stored: ChatTurn = { ...turn, contents: turn.contents.slice() };
      const turns = turnsById.get(id);
      if (turns === undefined) turnsById.set(id, [stored]);
      else turns.push(stored);
    },
    clear(id) {
      turnsById.delete(id);
    },
    ids() {
      return [...turnsById.keys()];
    },
  };
}
