import type { BenchSettings } from '../bench-settings.ts';
import type { ContenderEntry, ParserEntry } from '../contenders/registry.ts';
import type { WorkerPool } from '../worker/measured-worker.ts';
import type { ServerHandle } from '../worker/server-handle.ts';

/** What every scenario runs with. */
export type ScenarioContext = {
  settings: BenchSettings;
  /** Where contender processes come from. */
  workers: WorkerPool;
  server: ServerHandle;
  /** The contenders selected for this run (`--contenders`). */
  contenders: readonly ContenderEntry[];
  parsers: readonly ParserEntry[];
  /** Progress lines (stderr). */
  log: (line: string) => void;
};
