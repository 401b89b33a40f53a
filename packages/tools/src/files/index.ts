export type { FileTools, FileToolsOptions } from './create-file-tools.ts';
export { createFileTools } from './create-file-tools.ts';
export type { FindFilesArgs, FindFilesResult } from './create-find-files-tool.ts';
export type { FileEntry, ListFilesArgs, ListFilesResult } from './create-list-files-tool.ts';
export type { ReadFileArgs, ReadFileResult } from './create-read-file-tool.ts';
export type {
  SearchTextArgs,
  SearchTextResult,
  TextMatch,
} from './create-search-text-tool.ts';
export type { WriteFileArgs, WriteFileResult } from './create-write-file-tool.ts';
export type { FileToolErrorReason } from './file-tool-error.ts';
export { FileToolError } from './file-tool-error.ts';
