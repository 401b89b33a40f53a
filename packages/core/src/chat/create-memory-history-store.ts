import type { ChatTurn, HistoryStore } from './history-store.ts';

/** A {@link HistoryStore} in the process's memory, made by {@link createMemoryHistoryStore}. */
export type MemoryHistoryStore = HistoryStore & {
  /** The ids that have turns. */
  ids(): string[];
};

/**
 * A {@link HistoryStore} in memory: the default of chat sessions. Turns are kept as the objects
 * given (no copies, so a long conversation costs its contents once); do not mutate the contents
 * of a result you sent through it. Everything is lost with the process.
 *
 * @example
 * ```ts
 * const store = createMemoryHistoryStore();
 * const chat = agent.chat({ store, id: 'user-42' });
 * ```
 */
export function createMemoryHistoryStore(): MemoryHistoryStore {
  const turnsById = new Map<string, ChatTurn[]>();
  return {
    load(id) {
      return turnsById.get(id)?.slice() ?? [];
    },
    append(id, turn) {
      const turns = turnsById.get(id);
      if (turns === undefined) turnsById.set(id, [turn]);
      else turns.push(turn);
    },
    clear(id) {
      turnsById.delete(id);
    },
    ids() {
      return [...turnsById.keys()];
    },
  };
}
