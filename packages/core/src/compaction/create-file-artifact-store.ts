import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import type { ArtifactStore } from './artifact-store.ts';

/**
 * The largest artifact the file store writes (bytes of UTF-8); a larger one is not kept, and
 * reading it says so. Bounds the disk one hostile tool result can take.
 */
export const DEFAULT_MAX_FILE_ARTIFACT_BYTES: number = 16 * 1024 * 1024;

/** The ids gemloop makes (`crypto.randomUUID()`); anything else never becomes a path. */
const ARTIFACT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * An {@link ArtifactStore} on disk (Node): one `<id>.json` file per artifact under `directory`,
 * so results truncated or cleared from a long run survive the process (a chat that resumes
 * tomorrow reads them back with `read_tool_output`). Only ids gemloop made are used as file
 * names: an id from a model's `read_tool_output` call that is not one reads as missing, so it
 * never names a path outside `directory`.
 */
export function createFileArtifactStore({
  directory,
  maxBytes = DEFAULT_MAX_FILE_ARTIFACT_BYTES,
}: {
  /** Created when missing. */
  directory: string;
  /** @defaultValue {@link DEFAULT_MAX_FILE_ARTIFACT_BYTES} (16 MiB) */
  maxBytes?: number | undefined;
}): ArtifactStore {
  if (typeof directory !== 'string' || directory === '') {
    throw new InvalidArgumentError({
      argument: 'directory',
      message: 'createFileArtifactStore needs { directory }: where the artifact files go.',
    });
  }
  const root = resolve(directory);
  mkdirSync(root, { recursive: true });
  return {
    put(id, text) {
      if (!ARTIFACT_ID.test(id) || Buffer.byteLength(text) > maxBytes) return;
      writeFileSync(join(root, `${id}.json`), text, { mode: 0o600 });
    },
    get(id) {
      if (typeof id !== 'string' || !ARTIFACT_ID.test(id)) return undefined;
      try {
        return readFileSync(join(root, `${id}.json`), 'utf8');
      } catch {
        return undefined;
      }
    },
  };
}
