/**
 * Which ES modules the long-stream scenario's `agent.stream()` loads, and when: the root import,
 * zod, creating the agent (two zod tools, as `gemloop.stream`), and each streamed run, against the
 * bench's scripted server. Prints, per phase, how many modules of `@gemloop/core` (by folder) and
 * of each package were loaded (issue 53: "the root import loads no module of a feature not
 * used"; each ES module costs the process about 25 KB of RSS on Node 20, bench/RESULTS.md). Built
 * and run as long-rss.ts is, with the hooks of log-loaded-modules.ts registered:
 *
 *   cd bench && node_modules/.bin/esbuild src/ab/loaded-modules.ts src/ab/log-loaded-modules.ts \
 *     --bundle --format=esm --platform=node --target=node20 --packages=external \
 *     --outdir=node_modules/.cache/loaded-modules --out-extension:.js=.mjs
 *   node node_modules/.cache/loaded-modules/loaded-modules.mjs 2 2000 \
 *     node_modules/.cache/gemloop-bench/server.mjs
 *
 * `LIST=1` also prints each phase's module URLs. `NODE_V8_COVERAGE=<dir>` on the same command says which of them ran a function (bench/RESULTS.md,
 * "Modules the long stream loads").
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { register } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { longPrompt } from '../script/long-stream.ts';
import { BENCH_MODEL } from '../script/run-script.ts';
import { contenderBaseUrl } from '../server/contender-base-url.ts';
import { forkScriptedServer } from './loop-against-server.ts';

const [runs = '2', chunks = '2000', serverEntry] = process.argv.slice(2);
if (serverEntry === undefined)
  throw new Error('usage: loaded-modules.mjs <runs> <chunks> <server.mjs>');
const directory = mkdtempSync(join(tmpdir(), 'loaded-modules-'));
const log = join(directory, 'modules.log');
process.env['LOADED_MODULES_LOG'] = log;
register(pathToFileURL(join(import.meta.dirname, 'log-loaded-modules.mjs')));

/** The modules loaded since the last call, grouped: core by folder, packages by name. */
let seen = 0;
function report(phase: string): void {
  let lines: string[] = [];
  try {
    lines = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  } catch {}
  const fresh = lines.slice(seen);
  seen = lines.length;
  const groups = new Map<string, number>();
  for (const url of fresh) {
    const core = /packages\/core\/dist\/(.*)$/.exec(url)?.[1];
    const pkg = /node_modules\/(@[^/]+\/[^/]+|[^/.@][^/]*)\/(?!.*node_modules\/)/.exec(url)?.[1];
    const group =
      core !== undefined
        ? `core ${core.includes('/') ? core.slice(0, core.lastIndexOf('/')) : '(root)'}`
        : pkg !== undefined
          ? pkg
          : url.startsWith('node:')
            ? 'node:'
            : 'other';
    groups.set(group, (groups.get(group) ?? 0) + 1);
  }
  const core = fresh.filter((url) => url.includes('packages/core/dist/')).length;
  console.log(`${phase}: ${fresh.length} modules, ${core} of @gemloop/core`);
  for (const [group, count] of [...groups].sort((a, b) => b[1] - a[1]))
    console.log(`  ${String(count).padStart(4)} ${group}`);
  if (process.env['LIST'] === '1') for (const url of fresh) console.log(`    ${url}`);
}

const { server, url } = await forkScriptedServer(serverEntry);
report('the bench harness');
const { createAgent, createGemini, defineTool } = await import('@gemloop/core');
report("import '@gemloop/core'");
const { z } = await import('zod');
report("import 'zod'");
const parameters = z.object({ a: z.number().int(), b: z.number().int() });
const agent = createAgent({
  gemini: createGemini({
    apiKey: 'bench-key-not-secret',
    baseUrl: contenderBaseUrl(url, 'gemloop.stream', 'long'),
  }),
  model: BENCH_MODEL,
  maxSteps: 4,
  tools: ['add', 'multiply'].map((name) =>
    defineTool({ name, description: name, parameters, execute: ({ a, b }) => a + b }),
  ),
});
report('createAgent with two zod tools');
for (let run = 0; run < Number(runs); run++) {
  const stream = agent.stream(longPrompt(Number(chunks)));
  for await (const _event of stream);
  await stream.result;
  report(`streamed run ${run}`);
}
server.kill();
rmSync(directory, { recursive: true, force: true });
