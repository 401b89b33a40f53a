import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ImportRow, ImportScenarioResult } from '../report/results.ts';
import { spread } from '../report/stats.ts';
import type { ScenarioContext } from './scenario-context.ts';

const run = promisify(execFile);
const BENCH_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The module sets timed, with what a user of each needs to define a tool and run a loop. */
export const IMPORT_SETS: readonly { name: string; specifiers: string[] }[] = [
  { name: 'zod (baseline)', specifiers: ['zod'] },
  { name: '@gemloop/core', specifiers: ['@gemloop/core'] },
  { name: '@gemloop/core + zod', specifiers: ['@gemloop/core', 'zod'] },
  { name: '@google/genai', specifiers: ['@google/genai'] },
  { name: 'ai + @ai-sdk/google + zod', specifiers: ['ai', '@ai-sdk/google', 'zod'] },
];

function importProgram(specifiers: readonly string[]): string {
  const imports = specifiers
    .map((specifier) => `await import(${JSON.stringify(specifier)});`)
    .join('');
  return `const started = performance.now();${imports}const ms = performance.now() - started;process.stdout.write(JSON.stringify({ ms, rss: process.memoryUsage().rss }));`;
}

/**
 * Cold import: a fresh `node` per sample (no module cache, no JIT state), timing the dynamic
 * imports inside the process, so Node's own start-up is not counted. Packages resolve from
 * bench's node_modules with Node's default conditions, so `@gemloop/core` is its built `dist`.
 * The first round only warms the OS file cache and is dropped; rounds interleave the module sets.
 */
export async function runImportScenario(context: ScenarioContext): Promise<ImportScenarioResult> {
  const samples = context.settings.importSamples;
  context.log(`cold import: ${IMPORT_SETS.length} module sets, ${samples} fresh processes each`);
  const times = IMPORT_SETS.map(() => [] as number[]);
  const rss = IMPORT_SETS.map(() => [] as number[]);
  const failures: (string | undefined)[] = IMPORT_SETS.map(() => undefined);
  const env = { ...process.env };
  delete env['NODE_OPTIONS'];
  for (let round = 0; round <= samples; round++) {
    for (let index = 0; index < IMPORT_SETS.length; index++) {
      if (failures[index] !== undefined) continue;
      try {
        const { stdout } = await run(
          process.execPath,
          ['--input-type=module', '-e', importProgram(IMPORT_SETS[index]!.specifiers)],
          { cwd: BENCH_ROOT, env },
        );
        const { ms, rss: bytes } = JSON.parse(stdout) as { ms: number; rss: number };
        if (round > 0) {
          times[index]!.push(ms);
          rss[index]!.push(bytes);
        }
      } catch (error) {
        failures[index] = error instanceof Error ? error.message : String(error);
      }
    }
  }
  const rows: ImportRow[] = IMPORT_SETS.map((set, index) =>
    failures[index] === undefined
      ? { ...set, status: 'ok', importMs: spread(times[index]!), rssBytes: spread(rss[index]!) }
      : { ...set, status: 'failed', message: failures[index] },
  );
  return { kind: 'import', id: 'import', title: 'Cold import (fresh process per sample)', rows };
}
