import { createVectorStore, type VectorStoreOptions } from './create-vector-store.ts';
import type { MemoryStore } from './memory-store.ts';
import type { EmbeddedMemory } from './rank-by-similarity.ts';

/** Options of {@link createInMemoryStore}. */
export type InMemoryStoreOptions = VectorStoreOptions;

/**
 * A {@link MemoryStore} in the process's memory, with an exact cosine search: for tests, demos
 * and short-lived processes (everything is gone when the process ends).
 *
 * @example
 * ```ts
 * const memory = createMemory({ store: createInMemoryStore(), embed: geminiEmbed({ gemini }) });
 * ```
 */
export function createInMemoryStore(options: InMemoryStoreOptions = {}): MemoryStore {
  const scopes = new Map<string, EmbeddedMemory[]>();
  return createVectorStore(
    {
      async transact(scope, _operation, change) {
        const { records, value } = change(scopes.get(scope) ?? []);
        if (records !== undefined) {
          if (records.length === 0) scopes.delete(scope);
          else scopes.set(scope, records);
        }
        return value;
      },
    },
    options,
  );
}
