/**
 * The long-stream scenario's peak RSS of `agent.stream` with the contender's two tools declared
 * with zod (as `gemloop.stream` does) or as JSON Schema (`jsonSchema()`, no zod loaded), in this
 * process against the scripted server: how much of gemloop.stream's gap to `floor.undici.stream`
 * (whose tools are JSON Schema) is the tools' schema library. Prints the RSS before the first run,
 * the peak, and V8's spaces (physical/used MiB) when the peak was sampled. Built and run as
 * long-rss.ts is:
 *
 *   node --expose-gc node_modules/.cache/rssab/long-rss-schemas.mjs zod|json-schema 9 \
 *     node_modules/.cache/gemloop-bench/server.mjs
 */
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import { ADD_DESCRIPTION, add, MULTIPLY_DESCRIPTION, multiply } from '../script/bench-tools.ts';
import { createLongAnswer } from '../script/long-stream.ts';
import { BENCH_MODEL } from '../script/run-script.ts';
import { contenderBaseUrl } from '../server/contender-base-url.ts';
import { forkScriptedServer } from './loop-against-server.ts';

const [schemas = 'zod', runs = '9', serverEntry] = process.argv.slice(2);
if (serverEntry === undefined || (schemas !== 'zod' && schemas !== 'json-schema'))
  throw new Error('usage: long-rss-schemas.mjs zod|json-schema <runs> <server.mjs>');
const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);
const { server, url } = await forkScriptedServer(serverEntry);
const { createAgent, createGemini, defineTool, jsonSchema } = await import('@gemloop/core');
type Args = { a: number; b: number };
const parameters =
  schemas === 'zod'
    ? await import('zod').then(({ z }) => z.object({ a: z.number().int(), b: z.number().int() }))
    : jsonSchema<Args>({
        type: 'object',
        properties: { a: { type: 'integer' }, b: { type: 'integer' } },
        required: ['a', 'b'],
      });
const agent = createAgent({
  gemini: createGemini({
    apiKey: 'bench-key-not-secret',
    baseUrl: contenderBaseUrl(url, 'gemloop.stream', 'long'),
  }),
  model: BENCH_MODEL,
  maxSteps: 4,
  tools: [
    defineTool({
      name: 'add',
      description: ADD_DESCRIPTION,
      parameters,
      execute: (args: Args) => add(args),
    }),
    defineTool({
      name: 'multiply',
      description: MULTIPLY_DESCRIPTION,
      parameters,
      execute: (args: Args) => multiply(args),
    }),
  ],
});
const long = createLongAnswer(20_000);

/** RSS now, and V8's malloc'd, external and per-space (physical/used) memory as text. */
function sample(): { rss: number; text: string } {
  const heap = getHeapStatistics();
  const spaces = getHeapSpaceStatistics()
    .filter((space) => space.physical_space_size > 0)
    .map(
      (space) =>
        `${space.space_name.replace('_space', '')} ${mb(space.physical_space_size)}/${mb(space.space_used_size)}`,
    );
  const rss = process.memoryUsage.rss();
  return {
    rss,
    text: `rss ${mb(rss)} malloc ${mb(heap.malloced_memory)} external ${mb(heap.external_memory)}; ${spaces.join(', ')}`,
  };
}

console.log(`${schemas}: before the first run ${sample().text}`);
let peak = sample();
let peakRun = 0;
let run = 0;
const timer = setInterval(() => {
  const now = sample();
  if (now.rss > peak.rss) {
    peak = now;
    peakRun = run;
  }
}, 5);
for (; run < Number(runs); run++) {
  const stream = agent.stream(long.prompt);
  for await (const _event of stream);
  if ((await stream.result).text !== long.text) throw new Error(`run ${run}: wrong answer`);
}
clearInterval(timer);
console.log(`${schemas}: maxRSS ${mb(process.resourceUsage().maxRSS * 1024)}`);
console.log(`${schemas}: sampled peak in run ${peakRun}: ${peak.text}`);
server.kill();
