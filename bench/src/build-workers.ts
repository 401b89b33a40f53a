import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** The compiled entries of the child processes. */
export type WorkerBuild = { workerEntry: string; serverEntry: string; criticalPathEntry: string };

const SOURCE = fileURLToPath(new URL('.', import.meta.url));
// Inside bench/node_modules, so that bare imports in the output resolve from bench's own
// dependencies, and git ignores it.
const OUT_DIR = fileURLToPath(new URL('../node_modules/.cache/gemloop-bench/', import.meta.url));

/**
 * Compiles the worker and server entries to plain ES modules. Children then run on bare `node`:
 * under tsx every process would carry tsx's loader thread (about 36 MB more RSS and its own CPU
 * time on this machine), which would blur the peak-RSS and CPU columns. Packages stay external,
 * so every library loads from node_modules exactly as a user's app loads it, and code splitting
 * keeps each contender's library in its own chunk, loaded only by the process that measures it.
 */
export async function buildWorkers(): Promise<WorkerBuild> {
  await build({
    entryPoints: {
      worker: `${SOURCE}worker/worker-main.ts`,
      server: `${SOURCE}server/server-process.ts`,
      'critical-path': `${SOURCE}critical-path/critical-path-child.ts`,
    },
    outdir: OUT_DIR,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  return {
    workerEntry: `${OUT_DIR}worker.mjs`,
    serverEntry: `${OUT_DIR}server.mjs`,
    criticalPathEntry: `${OUT_DIR}critical-path.mjs`,
  };
}
