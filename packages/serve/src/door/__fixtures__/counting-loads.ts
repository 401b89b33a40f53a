import type { HistoryStore } from '@gemloop/core/chat';

/**
 * `store`, counting the loads of each conversation's history: `loads` lists the id of each, in
 * order. A door's request should read a conversation once, with its send (leftovers67,
 * doors-unify53).
 */
export function countingLoads(store: HistoryStore): { store: HistoryStore; loads: string[] } {
  const loads: string[] = [];
  const counted: HistoryStore = {
    load: (id, context) => {
      loads.push(id);
      return store.load(id, context);
    },
    append: (id, turn, context) => store.append(id, turn, context),
    clear: (id, context) => store.clear(id, context),
  };
  return { store: counted, loads };
}
