// @gemloop/core/memory on Node (and Bun and Deno, which take the `node` export condition): the
// portable memory entry plus the file store, which needs the file system.

export type { FileMemoryStoreOptions } from './create-file-memory-store.ts';
export {
  createFileMemoryStore,
  DEFAULT_MAX_MEMORY_FILE_BYTES,
} from './create-file-memory-store.ts';
export * from './index.ts';
