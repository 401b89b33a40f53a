/** How the recorder names a run file: its start time first (`2026-01-02T03-04-05-678Z-`). */
const TIMED_RUN_FILE = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z-/;

/**
 * The order in which the commands read a runs folder (`view`'s list, `eval from-runs`): the
 * recorder's files by their start time, newest first, then the other names (reverse order of
 * name). By name alone, a name of letters (a chat store's `session.jsonl` in the same folder)
 * sorts after every year: enough of them took every place of the bounded read, and no run was
 * shown or turned into a case. A comparator for `Array.prototype.sort`.
 */
export function newestRunFilesFirst(a: string, b: string): number {
  const timedA = TIMED_RUN_FILE.test(a);
  if (timedA !== TIMED_RUN_FILE.test(b)) return timedA ? -1 : 1;
  return a < b ? 1 : a > b ? -1 : 0;
}
