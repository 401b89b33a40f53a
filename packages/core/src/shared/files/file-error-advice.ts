/**
 * What to do about a system error a file store met on its path, by the error's code: the fix a
 * user reads beside Node's own message (which names the path). Only the errors the path or its
 * folder cause: any other (EIO, EMFILE) has no advice.
 */
const ADVICE: Record<string, string> = {
  EACCES:
    'this process may not write there: give it write permission on the folder, or choose a folder it can write',
  EPERM:
    'this process may not write there: give it write permission on the folder, or choose a folder it can write',
  EROFS: 'the file system is read-only: choose a folder on a writable one',
  ENOSPC: 'the disk is full: free space, or choose a folder on another disk',
  EDQUOT: 'the disk quota is used up: free space, or choose a folder on another disk',
  ENAMETOOLONG:
    'a name in the path is too long for the file system (255 bytes a name on most): shorten it',
  ELOOP: 'the path goes through a loop of symbolic links: point it at a real folder',
  ENOTDIR: 'a part of the path is a file, not a folder: check the path',
};

/**
 * `" (<advice>)"` for a system error a file store met on its path (a read-only folder, a full
 * disk, a name too long, a symlink loop), else `""`.
 * @internal
 */
export function fileErrorAdvice(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const advice = typeof code === 'string' ? ADVICE[code] : undefined;
  return advice === undefined ? '' : ` (${advice})`;
}
