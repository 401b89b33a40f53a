// `mkdir -p` that always ends, for every folder gemloop makes at a path a user gave. The file
// system is passed in (this folder imports nothing, so a browser bundle that reaches it through
// `@gemloop/core/internal` loads no `node:` module).

/** What `makeFolder` needs of `node:fs/promises` and `node:path`. @internal */
export type MakeFolderOptions = {
  /** The folder to make, with every missing parent. */
  dir: string;
  /** `node:fs/promises`' `mkdir` (called without `recursive`). */
  mkdir: (path: string) => Promise<unknown>;
  /** `node:path`'s `dirname`. */
  dirname: (path: string) => string;
};

/** What `makeFolderSync` needs of `node:fs` and `node:path`. @internal */
export type MakeFolderSyncOptions = Omit<MakeFolderOptions, 'mkdir'> & {
  /** `node:fs`' `mkdirSync` (called without `recursive`). */
  mkdir: (path: string) => unknown;
};

const codeOf = (error: unknown): unknown => (error as { code?: unknown } | null)?.code;

/**
 * `mkdir -p` that always ends: each folder of `dir` made at most twice, from the deepest missing
 * one up. Node's `mkdir(dir, { recursive: true })` never settles under /proc: procfs answers
 * ENOENT to a name it does not have, Node takes that for a missing parent, makes the parent
 * (EEXIST) and tries again, forever, at 100 % CPU in a libuv pool thread (attack29; the same loop
 * Bun fixed in oven-sh/bun#40600, measured by Kewton/CommandMate#1774). Here a second ENOENT
 * after the parent exists is the error. An existing folder (or a file of that name: its open
 * fails after, as with `recursive`) is success. @internal
 */
export async function makeFolder({ dir, mkdir, dirname }: MakeFolderOptions): Promise<void> {
  try {
    await mkdir(dir);
    return;
  } catch (error) {
    const code = codeOf(error);
    if (code === 'EEXIST') return;
    const parent = dirname(dir);
    if (code !== 'ENOENT' || parent === dir) throw error;
    await makeFolder({ dir: parent, mkdir, dirname });
  }
  try {
    await mkdir(dir);
  } catch (error) {
    if (codeOf(error) !== 'EEXIST') throw error;
  }
}

/**
 * `makeFolder` for `mkdirSync`: `mkdirSync(dir, { recursive: true })` under /proc froze the
 * whole event loop, not a pool thread (attack29). @internal
 */
export function makeFolderSync({ dir, mkdir, dirname }: MakeFolderSyncOptions): void {
  try {
    mkdir(dir);
    return;
  } catch (error) {
    const code = codeOf(error);
    if (code === 'EEXIST') return;
    const parent = dirname(dir);
    if (code !== 'ENOENT' || parent === dir) throw error;
    makeFolderSync({ dir: parent, mkdir, dirname });
  }
  try {
    mkdir(dir);
  } catch (error) {
    if (codeOf(error) !== 'EEXIST') throw error;
  }
}
