import {
  closeSync,
  constants,
  fstatSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { DeclaredOptions } from '../options/define-options.ts';
import {
  checkOptionsCopy,
  defineOptions,
  required,
  stringOption,
} from '../options/define-options.ts';
import { makeFolderSync } from '../shared/files/make-folder.ts';
import { type ArtifactStore, artifactBytesCheck } from './artifact-store.ts';

/**
 * The largest artifact the file store writes (bytes of UTF-8); a larger one is not kept, and
 * reading it says so. Bounds the disk one hostile tool result can take.
 */
export const DEFAULT_MAX_FILE_ARTIFACT_BYTES: number = 16 * 1024 * 1024;

/** The ids gemloop makes (`crypto.randomUUID()`); anything else never becomes a path. */
const ARTIFACT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// As the viewer opens run files (packages/cli/src/view/open-run-file.ts): O_NOFOLLOW fails the
// open of a symlink (ELOOP) instead of following it out of the folder (a planted link to
// /dev/zero would be read for ever, one to ~/.ssh/id_ed25519 handed to the model); O_NONBLOCK
// opens a FIFO at once instead of waiting for a writer (open(2)), and fstat then refuses it.
// Both are 0 where the platform has none (Windows, which has neither by default).
const READ_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/** Options of {@link createFileArtifactStore}. */
export type FileArtifactStoreOptions = {
  /** Created when missing. */
  directory: string;
  /** @defaultValue {@link DEFAULT_MAX_FILE_ARTIFACT_BYTES} (16 MiB) */
  maxBytes?: number | undefined;
};

const fileStoreOptions: DeclaredOptions<FileArtifactStoreOptions> =
  defineOptions<FileArtifactStoreOptions>({
    name: 'createFileArtifactStore',
    example: "{ directory: '.gemloop/artifacts' }",
    checks: {
      directory: required(
        stringOption({
          nonEmpty: true,
          message: 'createFileArtifactStore needs { directory }: where the artifact files go.',
        }),
      ),
      maxBytes: artifactBytesCheck,
    },
  });

/**
 * An {@link ArtifactStore} on disk (Node): one `<id>.json` file per artifact under `directory`,
 * so results truncated or cleared from a long run survive the process (a chat that resumes
 * tomorrow reads them back with `read_tool_output`). Only ids gemloop made are used as file
 * names: an id from a model's `read_tool_output` call that is not one reads as missing, so it
 * never names a path outside `directory`. Only regular files are read, never through a symlink,
 * and at most `maxBytes` of one: anything else planted under an artifact's name (a link, a FIFO,
 * a device) reads as missing. A write goes to a fresh file renamed into place, so it replaces
 * whatever was planted there instead of writing through it.
 * @throws `InvalidArgumentError` without a `directory`, for an unknown option, or a
 *   `maxBytes` that is not a whole number of bytes of at least 1.
 */
export function createFileArtifactStore(options: FileArtifactStoreOptions): ArtifactStore {
  // Each option read once (attack17): a getter could pass the check with 64 and then give 1e300.
  const { directory, maxBytes = DEFAULT_MAX_FILE_ARTIFACT_BYTES } = checkOptionsCopy(
    fileStoreOptions,
    options,
  );
  const root = resolve(directory);
  makeFolderSync({ dir: root, mkdir: mkdirSync, dirname });
  return {
    put(id, text) {
      if (!ARTIFACT_ID.test(id) || Buffer.byteLength(text) > maxBytes) return;
      const file = join(root, `${id}.json`);
      // `wx` (O_CREAT | O_EXCL) never opens an existing entry, a symlink included.
      const temporary = `${file}.${crypto.randomUUID()}.tmp`;
      try {
        writeFileSync(temporary, text, { mode: 0o600, flag: 'wx' });
        renameSync(temporary, file);
      } catch (error) {
        rmSync(temporary, { force: true });
        throw error;
      }
    },
    get(id) {
      if (typeof id !== 'string' || !ARTIFACT_ID.test(id)) return undefined;
      return readRegularFile(join(root, `${id}.json`), maxBytes);
    },
  };
}

/** The text of `file` when it is a regular file (not a link) of at most `maxBytes`, else `undefined`. */
function readRegularFile(file: string, maxBytes: number): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, READ_FLAGS);
  } catch {
    return undefined;
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile() || stats.size > maxBytes) return undefined;
    // No more than the size fstat gave: the store's files are written whole and renamed in.
    const buffer = Buffer.allocUnsafe(stats.size);
    let read = 0;
    while (read < buffer.length) {
      const count = readSync(fd, buffer, read, buffer.length - read, read);
      if (count === 0) break;
      read += count;
    }
    return buffer.toString('utf8', 0, read);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}
