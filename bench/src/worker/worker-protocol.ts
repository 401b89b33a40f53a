/** Loop scripts a worker can run; `long` is the long streamed answer, run end to end. */
export type WorkerLoopScript = 'seq5' | 'par3' | 'leak' | 'long';

/** What a worker process is set up to measure. One process measures one contender in one scenario. */
export type WorkerSetup =
  | {
      task: 'loop';
      contender: string;
      serverUrl: string;
      script: WorkerLoopScript;
      /**
       * The server's name for this process's calls when it is not the contender's own: a second
       * process of one contender (an A/A control) keeps its own counters.
       */
      label?: string | undefined;
      /** Text chunks of the long answer (script `long` only). */
      longChunks: number;
      warmupRuns: number;
      maxSteps: number;
    }
  | {
      task: 'chat';
      contender: string;
      serverUrl: string;
      turns: number;
      warmupTurns: number;
      /** Turn counts after which the heap is measured (after a full GC). */
      checkpoints: number[];
    }
  | {
      task: 'leak';
      contender: string;
      serverUrl: string;
      runs: number;
      warmupRuns: number;
      checkpointEvery: number;
      maxSteps: number;
    }
  | {
      /** The loop against the in-process scripted server: no network, the library's own cost. */
      task: 'overhead';
      contender: string;
      script: 'seq5' | 'par3' | 'leak';
      warmupRuns: number;
      maxSteps: number;
    }
  | { task: 'parse'; parser: string; chunkCount: number; warmupRuns: number };

/** Orchestrator to worker. */
export type WorkerRequest =
  | { type: 'setup'; setup: WorkerSetup }
  /** Loop: `runs` runs, `concurrency` in flight. Parse: one pass over the body. */
  | { type: 'sample'; runs: number; concurrency: number }
  /** Chat and leak: the whole measurement in one go. */
  | { type: 'measure' }
  /** The peak RSS so far, the process staying up (quick runs reuse processes). */
  | { type: 'peak' }
  /** The peak RSS, then the process exits. */
  | { type: 'finish' };

/** One timed sample. */
export type SampleResult = {
  type: 'sample';
  wallNs: number;
  /** `process.cpuUsage()` delta of the worker: user + system, microseconds. */
  cpuUs: number;
  /** Model requests in the sample (loop), or 1 (parse). */
  steps: number;
  /** Body bytes processed (parse and long stream). */
  bytes: number;
  /**
   * Bytes allocated on the V8 heap during the sample (overhead): heap used at the end minus at
   * the start, plus what every garbage collection in between freed.
   */
  allocatedBytes?: number | undefined;
  /** Time spent inside the in-process server's `fetch` (overhead), ns. */
  serverNs?: number | undefined;
};

/** The chat measurement: per-turn costs and the heap at checkpoints. */
export type ChatResult = {
  type: 'chat';
  turnWallNs: number[];
  turnCpuUs: number[];
  /** Heap after a full GC, before turn 1 and after each checkpoint. */
  baselineHeapBytes: number;
  heap: { turn: number; heapBytes: number }[];
  storedTurns: number;
};

/** The leak measurement: heap after a full GC every `checkpointEvery` runs. */
export type LeakResult = {
  type: 'leak';
  points: { runs: number; heapBytes: number; rssBytes: number }[];
  wallNs: number;
};

/** Worker to orchestrator. */
export type WorkerReply =
  | { type: 'ready' }
  | { type: 'unavailable'; message: string }
  | { type: 'error'; message: string }
  | SampleResult
  | ChatResult
  | LeakResult
  | { type: 'peak'; maxRssBytes: number }
  | { type: 'finished'; maxRssBytes: number };
