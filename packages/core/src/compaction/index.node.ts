// @gemloop/core/compaction on Node (and Bun and Deno, which take the `node` export condition): the
// portable entry plus the file artifact store, which needs the file system.

export {
  createFileArtifactStore,
  DEFAULT_MAX_FILE_ARTIFACT_BYTES,
  type FileArtifactStoreOptions,
} from './create-file-artifact-store.ts';
export * from './index.ts';
