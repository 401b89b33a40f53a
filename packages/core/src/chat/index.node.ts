// @gemloop/core/chat on Node (and Bun and Deno, which take the `node` export condition): the
// portable chat entry plus the file store, which needs the file system.

export { createFileHistoryStore } from './create-file-history-store.ts';
export * from './index.ts';
