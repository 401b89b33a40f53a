import {
  checkedWhereUsed,
  type DeclaredOptions,
  defineOptions,
  functionOption,
} from '../options/define-options.ts';
import { createVectorStore, type VectorStoreOptions } from './create-vector-store.ts';
import type { MemoryStore } from './memory-store.ts';
import type { EmbeddedMemory } from './rank-by-similarity.ts';

/** Options of {@link createInMemoryStore}. */
export type InMemoryStoreOptions = VectorStoreOptions;

// Unknown keys refused (a misspelt `maxMemories` kept the default bound without a word, attack13);
// the bound is checked where it is read (createVectorStore).
const inMemoryStoreOptions: DeclaredOptions<InMemoryStoreOptions> =
  defineOptions<InMemoryStoreOptions>({
    name: 'createInMemoryStore',
    example: '{ maxMemoriesPerScope: 500 }',
    checks: {
      maxMemoriesPerScope: checkedWhereUsed,
      generateId: functionOption(),
      now: functionOption(),
    },
  });

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
    inMemoryStoreOptions.check(options),
  );
}
