// What makes a file in the runs folder one the recorder wrote: its name and its first bytes. The
// pruner deletes nothing else, so a user's `data.jsonl` (or a chat store's session file) kept in
// the same folder is never touched, even when named like a run.

import { RECORDED_RUN_FORMAT } from './recorded-run.ts';

/**
 * A run file's name as the recorder makes it: the run's start (ISO time, `:` and `.` as `-`) and
 * its UUID run id, `2026-01-02T03-04-05-678Z-<uuid>.jsonl`. @internal
 */
export const RUN_FILE_NAME: RegExp =
  /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.jsonl$/;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The first bytes of every run file: the `run-start` line's first two keys, in the order the
 * recorder serialises them. @internal
 */
export const RUN_FILE_HEADER: Buffer = Buffer.from(
  `{"type":"run-start","format":${RECORDED_RUN_FORMAT},`,
);

/** How a finished run's last line starts: the pruner reads it to know the run is over. @internal */
export const RUN_END_LINE_START: Buffer = Buffer.from('{"type":"run-end",');

/**
 * The file name of a run. `runId` is the agent's `crypto.randomUUID()`; anything else (an
 * observer driven by other code) is replaced by a fresh UUID in the name only, so the name always
 * matches {@link RUN_FILE_NAME} and never leaves the folder. @internal
 */
export function runFileName(
  startedAt: number,
  runId: string,
  randomId: () => string = () => crypto.randomUUID(),
): string {
  // A clock outside years 0000-9999 (or not a number) would make a name the pruner never owns.
  const time = new Date(startedAt);
  const year = time.getUTCFullYear();
  const safeTime = year >= 0 && year <= 9999 ? time : new Date();
  const started = safeTime.toISOString().replace(/[:.]/g, '-');
  const id = UUID.test(runId) ? runId : randomId().toLowerCase();
  return `${started}-${id}.jsonl`;
}
