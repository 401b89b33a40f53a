/**
 * Where the garbage that survives young-generation collections comes from: the seq5 loop through
 * one build of @gemloop/core against the in-process scripted server (its `fetch` transport), with
 * V8's sampling heap profiler told to keep objects a major GC collected and drop those a minor GC
 * collected (`includeObjectsCollectedByMajorGC`, `includeObjectsCollectedByMinorGC: false`). What
 * it prints is the bytes a run promotes out of the young generation only to die later, by the
 * innermost frame of the build's `dist/` on the allocating stack: the garbage that makes V8 grow the
 * old space (and the peak RSS) between full collections, which a heap snapshot (taken after a full
 * GC) never shows. Issue 27's peak RSS: d5ff9c8 promoted 19 KB a streamed run, 286e408 53 KB.
 *
 *   cd bench && node --import tsx src/ab/promoted-per-run.ts <core dir> [run|stream]
 *
 * `<core dir>` is laid out as for ab-dist.ts (package.json, dist/, node_modules).
 */
import { Session } from 'node:inspector/promises';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { ADD_DESCRIPTION, add, MULTIPLY_DESCRIPTION, multiply } from '../script/bench-tools.ts';
import { BENCH_MODEL, expectedFinalText, loopPrompt } from '../script/run-script.ts';
import { contenderBaseUrl } from '../server/contender-base-url.ts';
import { createInProcessGemini, IN_PROCESS_ORIGIN } from '../server/in-process-gemini.ts';

const [dir, mode = 'stream'] = process.argv.slice(2);
if (dir === undefined)
  throw new Error('give the core build: promoted-per-run.ts <core dir> [run|stream]');
type Core = typeof import('@gemloop/core');
const core = (await import(pathToFileURL(`${dir}/dist/index.js`).href)) as Core;
const input = z.object({ a: z.number().int(), b: z.number().int() });
const server = createInProcessGemini();
const agent = core.createAgent({
  gemini: core.createGemini({
    apiKey: 'bench-key-not-secret',
    baseUrl: contenderBaseUrl(IN_PROCESS_ORIGIN, `gemloop.${mode}.x`, 'seq5'),
    fetch: server.fetch,
  }),
  model: BENCH_MODEL,
  tools: [
    core.defineTool({
      name: 'add',
      description: ADD_DESCRIPTION,
      parameters: input,
      execute: (a) => add(a),
    }),
    core.defineTool({
      name: 'multiply',
      description: MULTIPLY_DESCRIPTION,
      parameters: input,
      execute: (a) => multiply(a),
    }),
  ],
  maxSteps: 10,
});
async function runs(n: number) {
  for (let i = 0; i < n; i++) {
    const seed = i % 256;
    let text: string;
    if (mode === 'run') text = (await agent.run(loopPrompt('seq5', seed))).text;
    else {
      const s = agent.stream(loopPrompt('seq5', seed));
      for await (const _ of s);
      text = (await s.result).text;
    }
    if (text !== expectedFinalText('seq5', seed)) throw new Error('bad');
    if (i % 100 === 0) server.reset();
  }
}
await runs(500);
const session = new Session();
session.connect();
await session.post('HeapProfiler.enable');
await session.post('HeapProfiler.startSampling', {
  samplingInterval: 256,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: false,
  // Not in @types/node's StartSamplingParameterType yet (V8 has them since 11.x, Node 20 included).
} as { samplingInterval: number });
await runs(1500);
const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as {
  profile: { head: Node };
};
type Node = {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: Node[];
};
const bySite = new Map<string, number>();
const walk = (node: Node, stack: string[]) => {
  const here = `${node.callFrame.functionName || '(anon)'} ${node.callFrame.url.replace(/.*\/(dist|src|node_modules)\//, '$1/')}:${node.callFrame.lineNumber}`;
  const next = [...stack, here];
  if (node.selfSize > 0) {
    // Charged to the innermost frame of the build, where the library made (or asked for) it.
    const own = [...next].reverse().find((f) => f.includes('dist/')) ?? here;
    bySite.set(own, (bySite.get(own) ?? 0) + node.selfSize);
  }
  for (const c of node.children) walk(c, next);
};
walk(profile.head, []);
const total = [...bySite.values()].reduce((a, b) => a + b, 0);
console.log('total KB per run', (total / 1024 / 1500).toFixed(2));
for (const [k, v] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, 25))
  console.log((v / 1500).toFixed(0).padStart(7), k);
