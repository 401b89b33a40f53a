// @gemloop/core on Node (and Bun and Deno, which take the `node` export condition): the portable
// barrel plus the parts that need the file system. Bundles for browsers and workers load
// `index.ts` instead, so these never reach them.

export { createFileHistoryStore } from './chat/create-file-history-store.ts';
export * from './index.ts';
export { createRunRecorder } from './recorder/create-run-recorder.ts';
