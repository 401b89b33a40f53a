/**
 * Bytes allocated per agent step by one build of @gemloop/core, by the function that allocated
 * them: the `seq5` tool loop of ab-dist.ts against the in-process scripted server, under V8's
 * sampling heap profiler with the objects that young and old collections freed counted too
 * (`includeObjectsCollectedByMinorGC/MajorGC`, Chrome DevTools Protocol `HeapProfiler.startSampling`).
 * Unlike CPU time it hardly moves with the machine's load, so two builds can be compared on a
 * busy machine (issue 27: d5ff9c8 allocated 55.9 KB a step in run mode, 70.3 KB streamed).
 *
 *   bench/node_modules/.bin/tsx bench/src/ab/alloc-per-step.ts <dir> [run|stream] [runs=1000]
 *
 * `<dir>` is a copy of packages/core as ab-dist.ts takes it (or packages/core itself). The server's
 * share is in the total and the same for every build; the lines below it name each function.
 */
import { Session } from 'node:inspector/promises';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { ADD_DESCRIPTION, add, MULTIPLY_DESCRIPTION, multiply } from '../script/bench-tools.ts';
import { BENCH_MODEL, expectedFinalText, loopPrompt, stepsPerRun } from '../script/run-script.ts';
import { contenderBaseUrl } from '../server/contender-base-url.ts';
import { createInProcessGemini, IN_PROCESS_ORIGIN } from '../server/in-process-gemini.ts';

type SampledNode = {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: SampledNode[];
};

const [dir, modeFlag = 'run', countText = '1000'] = process.argv.slice(2);
if (dir === undefined)
  throw new Error('give the build: alloc-per-step.ts <dir> [run|stream] [runs]');
const mode = modeFlag === 'stream' ? 'stream' : 'run';
const script = 'seq5';
const core = (await import(
  pathToFileURL(`${dir}/dist/index.js`).href
)) as typeof import('@gemloop/core');
const input = z.object({ a: z.number().int(), b: z.number().int() });
const server = createInProcessGemini();
const agent = core.createAgent({
  gemini: core.createGemini({
    apiKey: 'bench-key-not-secret',
    baseUrl: contenderBaseUrl(IN_PROCESS_ORIGIN, `gemloop.${mode}.alloc`, script),
    fetch: server.fetch,
  }),
  model: BENCH_MODEL,
  tools: [
    core.defineTool({
      name: 'add',
      description: ADD_DESCRIPTION,
      parameters: input,
      execute: (args) => add(args),
    }),
    core.defineTool({
      name: 'multiply',
      description: MULTIPLY_DESCRIPTION,
      parameters: input,
      execute: (args) => multiply(args),
    }),
  ],
  maxSteps: 10,
});

async function runs(count: number): Promise<void> {
  for (let index = 0; index < count; index++) {
    const seed = index % 256;
    let text: string;
    if (mode === 'run') text = (await agent.run(loopPrompt(script, seed))).text;
    else {
      const stream = agent.stream(loopPrompt(script, seed));
      for await (const _event of stream);
      text = (await stream.result).text;
    }
    if (text !== expectedFinalText(script, seed))
      throw new Error(`wrong final answer, seed ${seed}`);
  }
}

await runs(500); // warm-up: compiled code and caches as in a long-running process
const session = new Session();
session.connect();
const count = Number(countText);
await session.post('HeapProfiler.startSampling', {
  samplingInterval: 256,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
} as never);
await runs(count);
const { profile } = (await session.post('HeapProfiler.stopSampling')) as {
  profile: { head: SampledNode };
};
session.disconnect();

const bytesBy = new Map<string, number>();
let total = 0;
const walk = (node: SampledNode): void => {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url
    .replace(/^.*\/dist\//, 'core/')
    .replace(/^.*\/bench\//, 'bench/')
    .replace(/^.*node_modules\//, '');
  const key = `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
  bytesBy.set(key, (bytesBy.get(key) ?? 0) + node.selfSize);
  total += node.selfSize;
  for (const child of node.children) walk(child);
};
walk(profile.head);
const steps = count * stepsPerRun(script);
console.log(`${mode}: ${(total / steps).toFixed(0)} bytes allocated per step (${count} runs)`);
for (const [key, bytes] of [...bytesBy].sort((x, y) => y[1] - x[1]).slice(0, 60)) {
  console.log(`${(bytes / steps).toFixed(0).padStart(7)}  ${key}`);
}
