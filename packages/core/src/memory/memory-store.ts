import type {
  MemoryPatch,
  MemoryQuery,
  MemoryRecord,
  NewMemory,
  ScoredMemory,
} from './memory-record.ts';

/**
 * Where memories live. Every call takes the scope (a user id) first and sees only that scope's
 * memories: a store never returns, changes or deletes a memory of another scope, even given its
 * id. gemloop ships an in-memory store, a JSON-lines file store and (in `@gemloop/dbos`) a
 * Postgres store; implement this interface for your own database.
 */
export interface MemoryStore {
  /**
   * Keeps a memory and returns it with its id. Given a `memory.id` the scope already holds, it
   * returns that memory and keeps nothing (an extraction run again stores its facts once).
   */
  add(scope: string, memory: NewMemory): Promise<MemoryRecord>;
  /** The scope's memories closest in meaning to the query, best first. */
  search(scope: string, query: MemoryQuery): Promise<ScoredMemory[]>;
  /** The scope's memories, oldest first (what a user sees of what is remembered about them). */
  list(scope: string): Promise<MemoryRecord[]>;
  /** One memory of the scope, or `undefined`. */
  get(scope: string, id: string): Promise<MemoryRecord | undefined>;
  /** Changes a memory of the scope; `undefined` when the scope has no such memory. */
  update(scope: string, id: string, patch: MemoryPatch): Promise<MemoryRecord | undefined>;
  /** Deletes a memory of the scope; whether there was one. */
  delete(scope: string, id: string): Promise<boolean>;
  /** Deletes every memory of the scope; how many there were. */
  deleteAll(scope: string): Promise<number>;
}
