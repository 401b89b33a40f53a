import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runGuarded } from '../../../scripts/run-guarded.ts';
import type { PortableSuiteReport } from '../suite/portable-suite.ts';
import { bundleSuite } from './bundle-suite.ts';

/** The runtime binaries the `bun` and `deno` npm packages install (no download at test time). */
/** packages/core: its node_modules hold the core's dependencies, as an app's install would. */
export const CORE_DIR: string = fileURLToPath(new URL('../../../packages/core/', import.meta.url));

export const runtimeBinary = (name: 'bun' | 'deno'): string =>
  fileURLToPath(new URL(`../../node_modules/.bin/${name}`, import.meta.url));

/**
 * Runs the portable suite in another runtime's process: bundles it as Node-platform ESM (Bun and
 * Deno take the core's `node` export condition, as they would from npm), writes a runner that
 * prints the report, and starts `binary ...args runner.mjs`. Any failure to start or to report is
 * thrown with the runtime's output, never skipped.
 */
export async function runSuiteInProcess({
  binary,
  args,
  env = {},
  fakeUrl,
}: {
  binary: string;
  args: string[];
  env?: Record<string, string>;
  fakeUrl: string;
}): Promise<PortableSuiteReport> {
  if (!existsSync(binary)) {
    throw new Error(`${binary} is missing: run \`npm run setup\` (pnpm install) at the root.`);
  }
  // Under packages/core, not the system's temp folder: the core's Node build loads
  // @cfworker/json-schema and zod-to-json-schema with require() where first needed (a JSON Schema
  // tool, a zod 3 schema), which resolves from the bundle's folder, as from an app's node_modules.
  const dir = mkdtempSync(join(CORE_DIR, '.runtime-suite-'));
  try {
    writeFileSync(join(dir, 'suite.mjs'), await bundleSuite({ platform: 'node', format: 'esm' }));
    writeFileSync(
      join(dir, 'runner.mjs'),
      "import { runPortableSuite } from './suite.mjs';\n" +
        `console.log(JSON.stringify(await runPortableSuite(${JSON.stringify(fakeUrl)})));\n`,
    );
    // Under the hang guard (killed when hung or runaway, with its output), not a wall clock: the
    // caller's test limit is GUARDED_TEST_LIMIT_MS.
    const { stdout } = await runGuarded(binary, [...args, join(dir, 'runner.mjs')], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1', ...env },
    });
    const last = stdout.trim().split('\n').at(-1) ?? '';
    return JSON.parse(last) as PortableSuiteReport;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
