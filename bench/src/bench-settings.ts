/** How much of each scenario a bench run does. */
export type BenchSettings = {
  quick: boolean;
  /** Step limit given to every loop; every script ends before it. */
  maxSteps: number;
  /** Sequential tool loops (5 rounds; 5 rounds of 3 parallel calls). */
  loop: { warmupRuns: number; samples: number; runsPerSample: number };
  /**
   * The sequential scenario's × node:http ratios, measured again in palindromic blocks (floor,
   * gemloop, the floor's A/A twin, then the same backwards), `runsPerLeg` runs a leg.
   */
  paired: { blocks: number; runsPerLeg: number };
  /** The sequential script in fresh processes with no warm-up beyond one run: start-up, reported. */
  firstRuns: { warmupRuns: number; samples: number; runsPerSample: number };
  /** Runs in flight at once, and runs per sample at that concurrency. */
  inFlight: {
    concurrency: number;
    /** `seq5` (5 rounds); quick runs use `leak` (1 round) to stay brief. */
    script: 'seq5' | 'leak';
    runsPerSample: number;
    samples: number;
    warmupRuns: number;
  }[];
  /** The tool loop against the in-process server: the library's own cost per step. */
  overhead: { script: 'seq5'; warmupRuns: number; samples: number; runsPerSample: number };
  /** The long streamed answer end to end over HTTP. */
  longStream: { chunks: number; samples: number; warmupRuns: number };
  /** Typed stream parsing of the same answer in memory. */
  parse: { chunks: number; samples: number; warmupRuns: number };
  chat: { turns: number; warmupTurns: number; checkpoints: number[] };
  leak: { runs: number; checkpointEvery: number; warmupRuns: number };
  /** Fresh processes per module for the cold-import times. */
  importSamples: number;
  /** Worker processes set up (imported, warmed up) at once; nothing is measured meanwhile. */
  parallelSetups: number;
};

/** The full bench: what `pnpm bench` runs and writes to RESULTS.md. */
export const FULL_SETTINGS: BenchSettings = {
  quick: false,
  maxSteps: 10,
  // 3,000 warm-up runs (18,000 model calls): the steady state of a process that serves runs. Node
  // 20's V8 optimises a function only after 2,000 to 6,000 calls (the interrupt budget), and until
  // then a library with more code pays for its longer unoptimised path (bench/README.md, "The
  // fourth round"): a function called once per step gets there by run 1,000, one called once per
  // run (an agent stream's set-up and end) only by run 2,000 to 6,000, and at 1,000 warm-up runs
  // its TurboFan compiles fell in the measured window (a streamed step of the default agent: 117k
  // instructions of compiling a step against 36k at 3,000; bench/RESULTS.md, "the tier-up tail of
  // the run's own code"). The first runs of a process are measured on their own (`firstRuns`). 40
  // samples: one sample's ratio to its floor spreads from 0.6 to 2.3 on this machine (CPU steal),
  // and the median of 20 moved by 0.1 between runs.
  loop: { warmupRuns: 3000, samples: 40, runsPerSample: 10 },
  // 60 blocks (20 rotations) of legs of 3 runs (18 steps, ~9 ms quiet): a leg short enough that
  // the load seldom changes within a block, so a block's ratio keeps little of it (the rounds above
  // span all eight contenders, ~200 ms). Three runs at load 13–36, unrotated: stream × node:http
  // 1.38, 1.56, 1.80 against the rounds' 1.44, 2.32, 1.60 from the same samples (RESULTS.md,
  // helper stream-step2). A multiple of 3: ratios are taken over whole rotations.
  paired: { blocks: 60, runsPerLeg: 3 },
  firstRuns: { warmupRuns: 1, samples: 20, runsPerSample: 10 },
  inFlight: [
    { concurrency: 16, script: 'seq5', runsPerSample: 64, samples: 12, warmupRuns: 1000 },
    { concurrency: 256, script: 'seq5', runsPerSample: 256, samples: 8, warmupRuns: 64 },
  ],
  overhead: { script: 'seq5', warmupRuns: 300, samples: 30, runsPerSample: 30 },
  longStream: { chunks: 20_000, samples: 8, warmupRuns: 1 },
  parse: { chunks: 20_000, samples: 12, warmupRuns: 2 },
  chat: { turns: 1_000, warmupTurns: 30, checkpoints: [10, 100, 250, 500, 1_000] },
  leak: { runs: 10_000, checkpointEvery: 1_000, warmupRuns: 200 },
  importSamples: 15,
  parallelSetups: 3,
};

/** `--quick`: every scenario and contender, briefly; the numbers are only indicative. */
export const QUICK_SETTINGS: BenchSettings = {
  quick: true,
  maxSteps: 10,
  loop: { warmupRuns: 1, samples: 2, runsPerSample: 1 },
  paired: { blocks: 3, runsPerLeg: 1 },
  firstRuns: { warmupRuns: 1, samples: 1, runsPerSample: 1 },
  inFlight: [
    { concurrency: 16, script: 'leak', runsPerSample: 16, samples: 1, warmupRuns: 1 },
    { concurrency: 256, script: 'leak', runsPerSample: 256, samples: 1, warmupRuns: 1 },
  ],
  overhead: { script: 'seq5', warmupRuns: 2, samples: 2, runsPerSample: 2 },
  longStream: { chunks: 500, samples: 1, warmupRuns: 1 },
  parse: { chunks: 500, samples: 2, warmupRuns: 1 },
  chat: { turns: 20, warmupTurns: 3, checkpoints: [10, 20] },
  leak: { runs: 60, checkpointEvery: 20, warmupRuns: 5 },
  importSamples: 1,
  parallelSetups: 9,
};
