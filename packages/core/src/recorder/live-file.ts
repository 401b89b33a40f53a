// What makes a file in the runs folder a live session the live recorder wrote: its name and its
// first bytes, as run-file.ts says for runs. The two never match each other's rules.

import type { RecorderFiles } from './prune-run-files.ts';
import { RECORDED_LIVE_FORMAT } from './recorded-live.ts';

/** A live file's name: `2026-01-02T03-04-05-678Z-live-<uuid>.jsonl`. @internal */
export const LIVE_FILE_NAME: RegExp =
  /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z-live-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.jsonl$/;

/** The live recorder's files, for the pruner. @internal */
export const LIVE_FILES: RecorderFiles = {
  name: LIVE_FILE_NAME,
  header: Buffer.from(`{"type":"live-start","format":${RECORDED_LIVE_FORMAT},`),
  endLineStart: Buffer.from('{"type":"live-end",'),
};

/** The file name of a live session started at `startedAt` with UUID `sessionId`. @internal */
export function liveFileName(startedAt: number, sessionId: string): string {
  const time = new Date(startedAt);
  const year = time.getUTCFullYear();
  const safeTime = year >= 0 && year <= 9999 ? time : new Date();
  return `${safeTime.toISOString().replace(/[:.]/g, '-')}-live-${sessionId}.jsonl`;
}
