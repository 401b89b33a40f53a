import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import {
  checkedWhereUsed,
  type DeclaredOptions,
  defineOptions,
  describeValue,
} from '../options/define-options.ts';
import { utf8Length } from '../shared/cut-text.ts';
import { ToolResultCacheError } from './tool-result-cache-error.ts';
import type {
  ToolResultEntry,
  ToolResultInvalidation,
  ToolResultStore,
} from './tool-result-store.ts';

/** Entries a memory store keeps before it drops the least recently used. */
export const DEFAULT_MEMORY_TOOL_RESULT_ENTRIES = 1000;
/** The largest entry (UTF-8 bytes of its text) a store keeps by default: 256 KiB. */
export const DEFAULT_TOOL_RESULT_ENTRY_BYTES: number = 256 * 1024;

/** Options of {@link createMemoryToolResultStore}. */
export type MemoryToolResultStoreOptions = {
  /** @defaultValue 1000 */
  maxEntries?: number | undefined;
  /** @defaultValue 262144 (256 KiB) */
  maxEntryBytes?: number | undefined;
};

// Unknown keys refused (a misspelt `maxEntry` kept the default without a word, attack13); each
// bound is checked where it is read (checkLimit).
const storeOptions: DeclaredOptions<MemoryToolResultStoreOptions> =
  defineOptions<MemoryToolResultStoreOptions>({
    name: 'createMemoryToolResultStore',
    example: '{ maxEntries: 500 }',
    checks: { maxEntries: checkedWhereUsed, maxEntryBytes: checkedWhereUsed },
  });

/**
 * A {@link ToolResultStore} in this process's memory, bounded by entry count (least recently used
 * dropped first) and entry size: what a `toolResultCache({ scope: 'session' })` uses when it is
 * given no store, one per plugin, its sessions kept apart by partition.
 */
export function createMemoryToolResultStore(
  options: MemoryToolResultStoreOptions = {},
): ToolResultStore {
  const {
    maxEntries = DEFAULT_MEMORY_TOOL_RESULT_ENTRIES,
    maxEntryBytes = DEFAULT_TOOL_RESULT_ENTRY_BYTES,
  } = storeOptions.check(options);
  checkLimit('maxEntries', maxEntries);
  checkLimit('maxEntryBytes', maxEntryBytes);
  // Map order is insertion order: a read re-inserts, so the first key is the least recently used.
  const entries = new Map<string, { partition: string; key: string; entry: ToolResultEntry }>();
  // The partition's length first: joined by a separator alone, partition 'a' with key 'x\0y' and
  // partition 'a\0x' with key 'y' were one slot, and one partition read the other's entry.
  const slot = (partition: string, key: string) => `${partition.length}:${partition}\u0000${key}`;
  return {
    async get(partition, key) {
      const at = slot(partition, key);
      const found = entries.get(at);
      if (found === undefined) return undefined;
      entries.delete(at);
      entries.set(at, found);
      return found.entry;
    },
    async set(partition, key, entry) {
      const bytes = utf8Length(entry.text);
      if (bytes > maxEntryBytes)
        throw new ToolResultCacheError({
          reason: 'oversized',
          toolName: entry.toolName,
          bytes,
          limit: maxEntryBytes,
        });
      const at = slot(partition, key);
      entries.delete(at);
      entries.set(at, { partition, key, entry });
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next().value as string;
        entries.delete(oldest);
      }
    },
    async delete(partition, key) {
      entries.delete(slot(partition, key));
    },
    async invalidate(partition, { tags, prefixes }: ToolResultInvalidation) {
      let removed = 0;
      for (const [at, item] of entries) {
        if (item.partition !== partition) continue;
        if (
          item.entry.tags.some((tag) => tags.includes(tag)) ||
          prefixes.some((prefix) => item.key.startsWith(prefix))
        ) {
          entries.delete(at);
          removed++;
        }
      }
      return removed;
    },
  };
}

function checkLimit(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1)
    throw new InvalidArgumentError({
      argument: `createMemoryToolResultStore.${name}`,
      message: `createMemoryToolResultStore({ ${name} }) must be a whole number of at least 1; got ${describeValue(value)}.`,
    });
}
