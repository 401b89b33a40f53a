import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

/** Where and with what the bench ran. */
export type MachineInfo = {
  cpuModel: string;
  cores: number;
  memoryGb: number;
  node: string;
  platform: string;
  /** 1, 5 and 15 minute load averages. */
  loadAtStart: number[];
  loadAtEnd?: number[] | undefined;
  /** The gemloop commit, with `+dirty` when the working tree has changes. */
  commit: string;
  versions: { name: string; version: string }[];
};

const BENCH_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The packages whose versions the results name. */
export const MEASURED_PACKAGES = [
  '@gemloop/core',
  '@google/genai',
  'ai',
  '@ai-sdk/google',
  'zod',
  'eventsource-parser',
];

function packageVersion(name: string): string {
  try {
    const manifest = JSON.parse(
      readFileSync(`${BENCH_ROOT}node_modules/${name}/package.json`, 'utf8'),
    ) as { version: string };
    return manifest.version;
  } catch {
    return 'not installed';
  }
}

function gitCommit(): string {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: BENCH_ROOT,
      encoding: 'utf8',
    }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', '../packages/core'], {
      cwd: BENCH_ROOT,
      encoding: 'utf8',
    }).trim();
    return dirty === '' ? commit : `${commit}+dirty`;
  } catch {
    return 'unknown';
  }
}

/** Reads the machine, Node and package versions. */
export function readMachineInfo(): MachineInfo {
  const processors = cpus();
  return {
    cpuModel: processors[0]?.model.trim() ?? 'unknown',
    cores: processors.length,
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAtStart: loadavg(),
    commit: gitCommit(),
    versions: MEASURED_PACKAGES.map((name) => ({ name, version: packageVersion(name) })),
  };
}
