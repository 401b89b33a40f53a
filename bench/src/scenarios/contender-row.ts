import type { ContenderEntry } from '../contenders/registry.ts';
import type { ContenderRow } from '../report/results.ts';
import type { MeasuredWorker } from '../worker/measured-worker.ts';

/** The part of a loop contender's row every scenario fills the same way: who, and how it went. */
export function contenderRow(entry: ContenderEntry, worker: MeasuredWorker): ContenderRow {
  return {
    name: entry.name,
    library: entry.library,
    streaming: entry.streaming,
    status: worker.status,
    message: worker.message,
    maxRssBytes: worker.maxRssBytes,
  };
}
