import { createMemoryHistoryStore, type HistoryStore } from '@gemloop/core/chat';

/**
 * A history store in memory whose `clear` throws at once, quoting `secret`, as a synchronous store
 * (SQLite, say) may: `HistoryStore.clear` may return `void`, so it throws rather than rejects.
 */
export function storeWhoseClearThrows(secret: string): HistoryStore {
  const memory = createMemoryHistoryStore();
  return {
    load: (id, context) => memory.load(id, context),
    append: (id, turn, context) => memory.append(id, turn, context),
    clear: () => {
      throw new Error(`disk I/O error at ${secret}`);
    },
  };
}
