import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** How a client sends: the default (`'auto'`, undici's request API on Node) or `'fetch'`. */
export type AbbaTransport = 'auto' | 'fetch';
/** `agent.run` or `agent.stream`. */
export type AbbaMode = 'run' | 'stream';

/** What `npm run abba` measures, from its command line. */
export type AbbaOptions = {
  /** The commit to compare against (A), as given: a hash, a tag, a branch. */
  base: string;
  modes: AbbaMode[];
  transports: AbbaTransport[];
  /** Process pairs per mode × transport, for A/B and again for the A/A control. */
  pairs: number;
  /** ABBA blocks per process pair. */
  blocks: number;
  /** Runs of the `seq5` script (6 model calls each) per leg of a block. */
  runsPerLeg: number;
  /** Untimed runs per process before its first block. */
  warmupRuns: number;
  /** Where builds of the base commit are kept, one folder per commit hash. */
  cacheDirectory: string;
  /** Rebuild the current tree's @gemloop/core (`tsc -b packages/core`) first. */
  build: boolean;
  json: string | undefined;
};

/**
 * The defaults: issue 53's design (3 pairs of 20 blocks), each process warmed up as the bench's loop
 * scenarios are (FULL_SETTINGS.loop.warmupRuns): 3,000 runs, past the TurboFan compiles of the
 * functions that run once a run (see bench-settings.ts).
 */
export const ABBA_DEFAULTS: AbbaOptions = {
  base: 'd5ff9c8',
  modes: ['run', 'stream'],
  transports: ['auto', 'fetch'],
  pairs: 3,
  blocks: 20,
  runsPerLeg: 20,
  warmupRuns: 3000,
  cacheDirectory: join(tmpdir(), 'gemloop-abba'),
  build: true,
  json: undefined,
};

/** The transport flag's spelling: `node` is the default path on Node, as the bench calls it. */
const TRANSPORT_NAMES: Record<string, AbbaTransport> = {
  node: 'auto',
  auto: 'auto',
  fetch: 'fetch',
};

function positiveInteger(flag: string, value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) {
    throw new Error(`${flag} takes a whole number ≥ 1, got "${value}"`);
  }
  return number;
}

function listOf<T>(flag: string, value: string, known: Record<string, T>): T[] {
  return value.split(',').map((name) => {
    const found = Object.hasOwn(known, name) ? known[name] : undefined;
    if (found === undefined) {
      throw new Error(`${flag}: unknown "${name}"; known: ${Object.keys(known).join(', ')}`);
    }
    return found;
  });
}

/** Reads `--flag=value` arguments over {@link ABBA_DEFAULTS}; an unknown flag is an error. */
export function parseAbbaArguments(argv: readonly string[]): AbbaOptions {
  const options: AbbaOptions = { ...ABBA_DEFAULTS };
  for (const argument of argv) {
    // `pnpm run abba -- --base=x` passes the `--` through.
    if (argument === '--') continue;
    const equals = argument.indexOf('=');
    const flag = equals === -1 ? argument : argument.slice(0, equals);
    const value = equals === -1 ? undefined : argument.slice(equals + 1);
    if (flag === '--no-build' && value === undefined) {
      options.build = false;
      continue;
    }
    if (value === undefined || value === '') {
      throw new Error(`unknown option ${argument} (options take a value: ${flag}=...)`);
    }
    if (flag === '--base') options.base = value;
    else if (flag === '--modes')
      options.modes = listOf(flag, value, { run: 'run', stream: 'stream' });
    else if (flag === '--transports') options.transports = listOf(flag, value, TRANSPORT_NAMES);
    else if (flag === '--pairs') options.pairs = positiveInteger(flag, value);
    else if (flag === '--blocks') options.blocks = positiveInteger(flag, value);
    else if (flag === '--runs') options.runsPerLeg = positiveInteger(flag, value);
    else if (flag === '--warmup') options.warmupRuns = positiveInteger(flag, value);
    else if (flag === '--cache-dir') options.cacheDirectory = value;
    else if (flag === '--json') options.json = value;
    else throw new Error(`unknown option ${argument}`);
  }
  return options;
}
