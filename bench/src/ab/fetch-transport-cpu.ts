/**
 * The fetch transport's own CPU a request, two or more builds of @gemloop/core in one process:
 * each build's `createFetchTransport` over an injected `fetch` that answers at once with an
 * in-memory `Response` (the same bytes for every build), an attempt signal made per request as the
 * client makes it, and the body read as the client reads it (`text()` for `run`, the stream
 * parser's own reader, `reader(true)`, for `stream`). No socket, no undici and no agent: what is
 * left is the transport's wrapper (the header wait on the attempt's signal, the Response check,
 * the body reader) plus the Response's web streams, the same on every side. Rounds alternate the
 * builds (ABBA), so the load falls on all alike; it prints each build's median CPU a request and
 * the median of its per-round differences from the first build.
 *
 * Written for issue 53's fetch row (helper fetch-path, bench/RESULTS.md): the agent's ABBA over
 * loopback (`npm run abba -- --transports=fetch`) has an A/A band of ±10-40 µs, far wider than
 * what this wrapper can cost, so a change to the transport is judged here first.
 *
 *   cd bench && node_modules/.bin/esbuild src/ab/fetch-transport-cpu.ts --bundle --format=esm \
 *     --platform=node --target=node20 --packages=external \
 *     --outfile=node_modules/.cache/fetch-transport-cpu.mjs
 *   node node_modules/.cache/fetch-transport-cpu.mjs <run|stream> <rounds> <requests a round> \
 *     base=<core dir> main=<core dir> main2=<core dir>   # the first is the reference; list one twice for an A/A
 *
 * A core dir is laid out as for ab-dist.ts (package.json, dist/, node_modules); `d5ff9c8`'s build
 * (`npm run abba` keeps one in <tmpdir>/gemloop-abba/<hash>/packages/core) has its transport
 * files one folder up, and both layouts are found.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

type Signal = { dispose(): void };
type Response = { text(): Promise<string>; reader(watched?: boolean): Reader | undefined };
type Reader = {
  read(): Promise<{ done: boolean; value?: Uint8Array }>;
  cancel(): Promise<void>;
};
type Transport = {
  send(request: {
    url: string;
    method: 'POST';
    headers: Record<string, string>;
    body: string;
    signal: Signal;
  }): Promise<Response>;
};
type Build = {
  name: string;
  transport: Transport;
  createAttemptSignal: (options: { signal: undefined; timeoutMs: number }) => Signal;
  samples: number[];
};

const [mode = 'stream', roundsText = '60', perRoundText = '2000', ...specs] = process.argv.slice(2);
if (mode !== 'run' && mode !== 'stream') throw new Error('mode: run or stream');
if (specs.length < 2) throw new Error('give two builds or more: name=<core dir> ...');

// One candidate (a function call in a thought-signed part) for `run`, three SSE events of it for
// `stream`, all in one network read as a loopback server's short answer mostly arrives.
const candidate = JSON.stringify({
  candidates: [
    {
      content: {
        role: 'model',
        parts: [
          {
            functionCall: { name: 'add', args: { a: 1, b: 2 } },
            thoughtSignature: 'x'.repeat(300),
          },
        ],
      },
      finishReason: 'STOP',
    },
  ],
  usageMetadata: { promptTokenCount: 100, candidatesTokenCount: 10, totalTokenCount: 110 },
});
const bytes = new TextEncoder().encode(
  mode === 'run' ? candidate : `data: ${candidate}\r\n\r\n`.repeat(3),
);
const fetch = (): Promise<globalThis.Response> =>
  Promise.resolve(
    new globalThis.Response(
      new ReadableStream({
        type: 'bytes',
        pull(controller) {
          controller.enqueue(bytes.slice());
          controller.close();
        },
      }),
      {
        status: 200,
        headers: {
          'content-type': mode === 'run' ? 'application/json' : 'text/event-stream',
          'content-length': String(bytes.byteLength),
        },
      },
    ),
  );

/** A module of a build: where it is now, or where `d5ff9c8` kept it. */
async function importFrom(
  dir: string,
  now: string,
  then: string,
): Promise<Record<string, unknown>> {
  const path = existsSync(`${dir}/dist/http/${now}`)
    ? `${dir}/dist/http/${now}`
    : `${dir}/dist/http/${then}`;
  return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
}

const builds: Build[] = [];
for (const spec of specs) {
  const [name, dir] = spec.split('=');
  if (name === undefined || dir === undefined) throw new Error(`not name=<dir>: ${spec}`);
  const transportModule = await importFrom(
    dir,
    'transport/create-fetch-transport.js',
    'create-fetch-transport.js',
  );
  const signalModule = await importFrom(
    dir,
    'attempts/create-attempt-signal.js',
    'create-attempt-signal.js',
  );
  builds.push({
    name,
    transport: (transportModule['createFetchTransport'] as (fetch: unknown) => Transport)(fetch),
    createAttemptSignal: signalModule['createAttemptSignal'] as Build['createAttemptSignal'],
    samples: [],
  });
}

const headers = { 'content-type': 'application/json', 'x-goog-api-key': 'bench-key-not-secret' };

async function request(build: Build): Promise<void> {
  const signal = build.createAttemptSignal({ signal: undefined, timeoutMs: 60_000 });
  const response = await build.transport.send({
    url: 'http://127.0.0.1/v1beta/models/m:generateContent',
    method: 'POST',
    headers,
    body: '{}',
    signal,
  });
  if (mode === 'run') {
    if ((await response.text()).length !== bytes.byteLength) throw new Error('short body');
  } else {
    // As the stream parser reads: to the end, then a cancel that finds the body closed.
    const reader = response.reader(true);
    if (reader === undefined) throw new Error('no body');
    for (;;) if ((await reader.read()).done) break;
    reader.cancel().catch(() => {});
  }
  signal.dispose();
}

const perRound = Number(perRoundText);
for (const build of builds) for (let index = 0; index < 20_000; index++) await request(build);
for (let round = 0; round < Number(roundsText); round++) {
  const order = round % 2 === 0 ? builds : [...builds].reverse();
  for (const build of order) {
    const before = process.cpuUsage();
    for (let index = 0; index < perRound; index++) await request(build);
    const used = process.cpuUsage(before);
    build.samples.push((used.user + used.system) / perRound);
  }
}

const quantile = (values: number[], q: number): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length * q)] ?? Number.NaN;
const reference = builds[0]!;
for (const build of builds) {
  const differences = build.samples.map((sample, index) => sample - reference.samples[index]!);
  console.log(
    `${mode} ${build.name}: ${quantile(build.samples, 0.5).toFixed(2)} µs a request; − ${reference.name}: ` +
      `median ${quantile(differences, 0.5).toFixed(2)} µs (p25 ${quantile(differences, 0.25).toFixed(2)}, ` +
      `p75 ${quantile(differences, 0.75).toFixed(2)})`,
  );
}
