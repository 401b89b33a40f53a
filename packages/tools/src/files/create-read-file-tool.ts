import type { DefinedTool } from '@gemloop/core';
import { defineTool } from '@gemloop/core';
import { quoteText } from '@gemloop/core/internal';
import { z } from 'zod/v4';
import { FileToolError } from './file-tool-error.ts';
import type { FileToolsSettings } from './file-tools-settings.ts';
import { PATH_DESCRIPTION } from './file-tools-settings.ts';
import { readTextChunk } from './read-text-chunk.ts';
import { resolveFileInRoot } from './resolve-in-root.ts';

/** The arguments of the read-file tool. */
export type ReadFileArgs = {
  path: string;
  offset?: number | undefined;
  maxBytes?: number | undefined;
};

/** What the read-file tool returns. */
export type ReadFileResult = {
  path: string;
  /** The file's size in bytes. */
  size: number;
  /** The byte offset `content` starts at. */
  offset: number;
  content: string;
  /** The offset to continue from; absent when `content` reaches the end of the file. */
  nextOffset?: number | undefined;
  /** Set when the file was cut. */
  note?: string | undefined;
};

/** @internal */
export function createReadFileTool(
  settings: FileToolsSettings,
): DefinedTool<ReadFileArgs, ReadFileResult> {
  return defineTool({
    name: settings.names.read,
    description: `Reads a UTF-8 text file under the root. Returns at most ${settings.maxReadBytes} bytes per call; for a longer file the result has nextOffset: call again with offset set to it to read on. Binary files (images, archives, ...) are refused.`,
    parameters: z.object({
      path: z.string().min(1).max(1024).describe(`File to read. ${PATH_DESCRIPTION}`),
      offset: z
        .number()
        .int()
        .min(0)
        .optional()
        .describe('Byte offset to start at, from a previous nextOffset. Default 0.'),
      maxBytes: z
        .number()
        .int()
        .min(1)
        .max(settings.maxReadBytes)
        .optional()
        .describe(`Most bytes to return, up to ${settings.maxReadBytes} (the default).`),
    }),
    execute: async ({ path, offset = 0, maxBytes = settings.maxReadBytes }) => {
      const target = await resolveFileInRoot(settings.rootReal, path, settings.names);
      if (!target.exists) {
        throw new FileToolError({
          reason: 'not-found',
          path,
          message: `${quoteText(path)} does not exist. Use ${settings.names.list} or ${settings.names.find} to see what is there.`,
        });
      }
      const chunk = await readTextChunk({
        rootReal: settings.rootReal,
        names: settings.names,
        fdPaths: settings.fdPaths,
        allowHardLinks: settings.allowHardLinks,
        absolute: target.absolute,
        relative: target.relative,
        offset,
        maxBytes,
      });
      const result: ReadFileResult = { path: target.relative, ...chunk };
      if (chunk.nextOffset !== undefined) {
        result.note = `The file is ${chunk.size} bytes; this is bytes ${chunk.offset} to ${chunk.nextOffset}. Call again with offset ${chunk.nextOffset} to read on.`;
      } else if (offset > chunk.size) {
        result.note = `offset ${offset} is past the end of the file (${chunk.size} bytes).`;
      }
      return result;
    },
  });
}
