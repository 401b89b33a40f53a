import { relative, resolve, sep } from 'node:path';
import type { DefinedTool } from '@gemloop/core';
import { defineTool } from '@gemloop/core';
import { quoteText } from '@gemloop/core/internal';
import { z } from 'zod/v4';
import { FileToolError } from './file-tool-error.ts';
import type { FileToolsSettings } from './file-tools-settings.ts';
import { PATH_DESCRIPTION } from './file-tools-settings.ts';
import { checkNotGitHookPath, findGitHookPaths } from './find-git-hook-paths.ts';
import {
  checkNotGitDirectory,
  namesGitDirectoryEntry,
  oneGitEntryWriteAtATime,
} from './git-directories.ts';
import { checkNotProtected } from './protected-folders.ts';
import { resolveFileInRoot } from './resolve-in-root.ts';
import { writeFileAtomic } from './write-file-atomic.ts';

/** The arguments of the write-file tool. */
export type WriteFileArgs = {
  path: string;
  content: string;
  overwrite?: boolean | undefined;
};

/** What the write-file tool returns. */
export type WriteFileResult = {
  path: string;
  /** UTF-8 bytes written. */
  bytes: number;
  /** True when the file is new, false when it replaced one. */
  created: boolean;
};

/** @internal */
export function createWriteFileTool(
  settings: FileToolsSettings,
): DefinedTool<WriteFileArgs, WriteFileResult> {
  const overwriteHelp = settings.allowOverwrite
    ? 'An existing file is only replaced when overwrite is true.'
    : 'Existing files are never replaced.';
  const shape = {
    path: z
      .string()
      .min(1)
      .max(1024)
      .describe(`File to write. ${PATH_DESCRIPTION} Missing folders are created.`),
    content: z
      .string()
      .describe(
        `The whole new content of the file, as UTF-8 text (at most ${settings.maxWriteBytes} bytes).`,
      ),
  };
  return defineTool({
    name: settings.names.write,
    description: `Writes a UTF-8 text file under the root, creating it (and missing folders) or replacing it. ${overwriteHelp} The write is atomic: readers see the old file or the complete new one, never a partial file. Symbolic links are never written through. Nothing is ever written inside these folders: ${[...settings.protectedFolders.values()].join(', ')}, nor where the repository's git config says git runs hooks from (core.hooksPath) or reads config from (include.path), nor in a folder that looks like a git repository (a HEAD beside objects/ and refs/), nor a file that would make a folder look like one.`,
    parameters: settings.allowOverwrite
      ? z.object({
          ...shape,
          overwrite: z
            .boolean()
            .optional()
            .describe('Replace the file if it exists. Default false.'),
        })
      : z.object({ ...shape, overwrite: z.never().optional() }),
    execute: async ({ path, content, overwrite = false }) => {
      const bytes = Buffer.byteLength(content, 'utf8');
      if (bytes > settings.maxWriteBytes) {
        throw new FileToolError({
          reason: 'too-large',
          path,
          message: `The content is ${bytes} bytes; the limit is ${settings.maxWriteBytes}. Write a smaller file.`,
        });
      }
      const target = await resolveFileInRoot(settings.rootReal, path, settings.names);
      // Both spellings: the real path catches a link into .git ("git-link/config"), the model's
      // catches a .git that is itself a link to another folder of the root.
      const lexical = relative(settings.rootReal, resolve(settings.rootReal, path));
      const paths = [lexical.split(sep).join('/'), target.relative];
      checkNotProtected(settings.protectedFolders, path, paths);
      // Read at every write: a hooks folder set up after the tools were made counts too.
      checkNotGitHookPath(await findGitHookPaths(settings.rootReal, path), path, paths);
      if (target.relative === '.') {
        throw new FileToolError({
          reason: 'wrong-type',
          path,
          message: 'The root folder itself cannot be written; give a file path such as "notes.md".',
        });
      }
      const write = async () => {
        await checkNotGitDirectory({
          rootReal: settings.rootReal,
          input: path,
          relative: target.relative,
          content,
        });
        return writeFileAtomic({
          rootReal: settings.rootReal,
          names: settings.names,
          fdPaths: settings.fdPaths,
          absolute: target.absolute,
          relative: target.relative,
          content,
          overwrite: settings.allowOverwrite && overwrite,
          createDirectories: true,
        });
      };
      try {
        const { created } = await (namesGitDirectoryEntry(target.relative)
          ? oneGitEntryWriteAtATime(write)
          : write());
        return { path: target.relative, bytes, created };
      } catch (error) {
        if (
          FileToolError.isInstance(error) &&
          error.reason === 'exists' &&
          !settings.allowOverwrite
        ) {
          throw new FileToolError({
            reason: 'exists',
            path,
            message: `${quoteText(target.relative)} already exists and replacing files is disabled. Choose a new file name.`,
          });
        }
        throw error;
      }
    },
  });
}
