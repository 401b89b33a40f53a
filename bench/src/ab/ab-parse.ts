/**
 * Interleaved A/B of two builds of @gemloop/core on the parse scenario's work: the same SSE body
 * (the long stream of `--chunks` text chunks, cut into 16 KB pieces) parsed by
 * `gemini.streamGenerateContent` of build A and of build B, and by the bare reference
 * (eventsource-parser + JSON.parse), in alternating rounds in one process, so that the machine's
 * load, CPU steal and frequency changes fall on all alike. It prints the CPU µs per chunk of each
 * and the median of the per-round ratios B ÷ A and B ÷ bare.
 *
 *   bench/node_modules/.bin/tsx bench/src/ab/ab-parse.ts --a=<dir> --b=<dir>
 *     [--chunks=20000] [--rounds=30] [--warmup=5]
 *
 * Each <dir> is a copy of packages/core as a package (its package.json, its dist/ and a
 * node_modules that is, or links to, packages/core/node_modules), as for ab-dist.ts; a built
 * worktree's packages/core serves as is. Used for the perfparse look at the parse scenario
 * (bench/RESULTS.md "Typed stream parsing").
 */

import { pathToFileURL } from 'node:url';
import { bareParser } from '../contenders/bare-parsers.ts';
import { responseFromPieces } from '../contenders/contender.ts';
import { createLongStream } from '../script/long-stream.ts';
import { BENCH_MODEL } from '../script/run-script.ts';

type Core = typeof import('@gemloop/core');
type Parse = () => Promise<string>;

const flags = new Map(
  process.argv.slice(2).map((argument) => {
    const [key, value] = argument.replace(/^--/, '').split('=');
    return [key!, value ?? 'true'];
  }),
);
const dirA = flags.get('a');
const dirB = flags.get('b');
if (dirA === undefined || dirB === undefined) throw new Error('give --a=<dir> and --b=<dir>');
const chunks = Number(flags.get('chunks') ?? 20_000);
const rounds = Number(flags.get('rounds') ?? 30);
const warmup = Number(flags.get('warmup') ?? 5);
const long = createLongStream(chunks);

async function load(dir: string): Promise<Parse> {
  const core = (await import(pathToFileURL(`${dir}/dist/index.js`).href)) as Core;
  const gemini = core.createGemini({
    apiKey: 'bench-key-not-secret',
    baseUrl: 'https://in-memory',
    fetch: async () => responseFromPieces(long.pieces),
  });
  return async () => {
    let text = '';
    for await (const chunk of gemini.streamGenerateContent({
      model: BENCH_MODEL,
      contents: long.prompt,
    })) {
      for (const part of chunk.candidates?.[0]?.content?.parts ?? []) {
        if (typeof part.text === 'string') text += part.text;
      }
    }
    return text;
  };
}

/** CPU µs per chunk of one parse of the whole body (the answer checked). */
async function sample(parse: Parse, name: string): Promise<number> {
  const before = process.cpuUsage();
  const text = await parse();
  const cpu = process.cpuUsage(before);
  if (text !== long.text) throw new Error(`${name}: wrong text`);
  return (cpu.user + cpu.system) / (chunks + 1);
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const quantile = (values: readonly number[], q: number): number => {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};

const contenders: [string, Parse][] = [
  ['a', await load(dirA)],
  ['b', await load(dirB)],
  ['bare', () => bareParser.create().then((parse) => parse(long.pieces, long.prompt))],
];
for (let round = 0; round < warmup; round++) {
  for (const [name, parse] of contenders) await sample(parse, name);
}
const cpu = new Map<string, number[]>(contenders.map(([name]) => [name, []]));
const ratioBA: number[] = [];
const ratioBBare: number[] = [];
const ratioABare: number[] = [];
for (let round = 0; round < rounds; round++) {
  // Rotate the order, so that none always follows another's garbage.
  const values = new Map<string, number>();
  for (let turn = 0; turn < contenders.length; turn++) {
    const [name, parse] = contenders[(round + turn) % contenders.length]!;
    values.set(name, await sample(parse, name));
  }
  for (const [name, value] of values) cpu.get(name)!.push(value);
  ratioBA.push(values.get('b')! / values.get('a')!);
  ratioBBare.push(values.get('b')! / values.get('bare')!);
  ratioABare.push(values.get('a')! / values.get('bare')!);
}
const summary = (values: readonly number[], digits: number) => ({
  median: median(values).toFixed(digits),
  p25: quantile(values, 0.25).toFixed(digits),
  p75: quantile(values, 0.75).toFixed(digits),
});
console.log(
  JSON.stringify({
    chunks,
    rounds,
    warmup,
    cpuUsPerChunk: Object.fromEntries([...cpu].map(([name, values]) => [name, summary(values, 2)])),
    ratioBoverA: summary(ratioBA, 3),
    ratioAoverBare: summary(ratioABare, 3),
    ratioBoverBare: summary(ratioBBare, 3),
  }),
);
