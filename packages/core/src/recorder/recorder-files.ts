import type * as Fs from 'node:fs';
import type * as FsPromises from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { describeValue, type OptionCheck, optionCheck } from '../options/define-options.ts';
import { makeFolder as makeBoundedFolder } from '../shared/files/make-folder.ts';

// What the run recorder and the live recorder share of the file system and of their folder
// options. node:fs/promises loads at the first run or session recorded, not when gemloop is
// imported.
const require = createRequire(import.meta.url);
// why (lazy): node:fs/promises loaded at first use.
let fsModule: typeof FsPromises | undefined;

/** `node:fs/promises`, loaded at first use. @internal */
export const recorderFs = (): typeof FsPromises =>
  (fsModule ??= require('node:fs/promises') as typeof FsPromises);

/** The recorders' folder made with the bounded `mkdir -p` (attack29: Node's loops under /proc). @internal */
export const makeFolder = (dir: string): Promise<void> =>
  makeBoundedFolder({ dir, mkdir: (path) => recorderFs().mkdir(path), dirname });

/**
 * The flags a pruner reads a file with: never following a symlink nor blocking on a FIFO named
 * like a recorder's file. @internal
 */
export const pruneOpenFlags = (): number => {
  const { constants } = require('node:fs') as typeof Fs;
  return constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);
};

/** A recorder's `dir` option, `.gemloop/runs` by default. @internal */
export function checkDir(dir: unknown): string {
  if (dir === undefined) return join('.gemloop', 'runs');
  if (typeof dir !== 'string' || dir.trim() === '') {
    throw new InvalidArgumentError({
      argument: 'dir',
      message: "dir must be a folder path such as '.gemloop/runs', or left out.",
    });
  }
  return dir;
}

/** A recorder's byte limit `name`, at least 1024. @internal */
export function checkBytes(value: unknown, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 1024) {
    throw new InvalidArgumentError({
      argument: name,
      message: `${name} must be a number of bytes, at least 1024; got ${describeValue(value)}.`,
    });
  }
  return value;
}

/**
 * The check of a recorder's `logger` option: an object with a `warn` method (what a recorder
 * calls). A logger of another kind (`5`, `'pino'`, `true`) was taken as none, and every write
 * failure went unreported (attack14). @internal
 */
export const recorderLogger: OptionCheck = optionCheck(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { warn?: unknown }).warn === 'function',
  (path, value) =>
    `${path} must be a logger with a warn method (a pino logger, or createLogger() of @gemloop/core/logging); got ${describeValue(value)}.`,
);
