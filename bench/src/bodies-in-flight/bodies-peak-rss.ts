import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

// inflight57: the peak RSS of the OpenAI door's process while 20 clients upload a 32 MiB body each
// at once, with the door's bound on bodies read at once (`maxBodyBytesInFlight`, default four
// bodies) against none (as before it). The server is a child process per run (its maxRSS is its
// own), this process the clients. Runs alternate A B B A per pair. `--pairs=N` (default 3),
// `--clients=N` (default 20).
// Run: npm run bodies-in-flight -w @gemloop/bench (or `npx tsx --expose-gc
// --conditions=@gemloop/source bench/src/bodies-in-flight/bodies-peak-rss.ts`).

const MAX_BODY_BYTES = 32 * 1024 * 1024;
const flag = (name: string, fallback: number) => {
  const given = process.argv.find((each) => each.startsWith(`--${name}=`));
  return given === undefined ? fallback : Number(given.split('=')[1]);
};
const PAIRS = flag('pairs', 3);
const CLIENTS = flag('clients', 20);
const SERVER = fileURLToPath(new URL('./bodies-server.ts', import.meta.url));

/** A chat request of exactly `MAX_BODY_BYTES`: one user message of random base64. */
function body(): Buffer {
  const head = '{"model":"no-such-agent","messages":[{"role":"user","content":"';
  const tail = '"}]}';
  const room = MAX_BODY_BYTES - head.length - tail.length;
  const text = randomBytes(Math.ceil((room * 3) / 4))
    .toString('base64')
    .slice(0, room);
  return Buffer.from(head + text + tail);
}

type Run = { bound: 'default' | 'none'; growthMb: number; statuses: Record<string, number> };

function once<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve) => {
    const listen = (message: { type?: string }) => {
      if (message.type !== type) return;
      child.off('message', listen);
      resolve(message as T);
    };
    child.on('message', listen);
  });
}

/** One upload of client `client`: the status, or the socket error's code when the server cut it. */
function upload(port: number, bytes: Buffer, client: number): Promise<string> {
  return new Promise((resolve) => {
    const sent = request(
      {
        host: '127.0.0.1',
        port,
        path: '/v1/chat/completions',
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/json',
          'content-length': bytes.byteLength,
          'x-bench-client': `client-${client}`,
        },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(String(response.statusCode)));
      },
    );
    sent.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    sent.end(bytes);
  });
}

async function run(bound: Run['bound'], bytes: Buffer): Promise<Run> {
  const child = fork(SERVER, [], {
    env: { ...process.env, BOUND: bound },
    execArgv: ['--expose-gc', '--import', 'tsx', '--conditions=@gemloop/source'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const { port } = await once<{ port: number }>(child, 'listening');
    // A small request first, so the door's first-request work is in the baseline.
    await upload(port, Buffer.from('{"model":"no-such-agent","messages":[]}'), 0);
    child.send({ type: 'baseline' });
    const { rss } = await once<{ rss: number }>(child, 'baseline');
    const results = await Promise.all(
      Array.from({ length: CLIENTS }, (_, client) => upload(port, bytes, client)),
    );
    child.send({ type: 'peak' });
    const { maxRss } = await once<{ maxRss: number }>(child, 'peak');
    const statuses: Record<string, number> = {};
    for (const each of results) statuses[each] = (statuses[each] ?? 0) + 1;
    return { bound, growthMb: (maxRss - rss) / 1e6, statuses };
  } finally {
    child.kill();
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

const bytes = body();
const runs: Run[] = [];
const loadBefore = loadavg()[0] ?? 0;
for (let pair = 0; pair < PAIRS; pair += 1) {
  const order: Run['bound'][] = pair % 2 === 0 ? ['default', 'none'] : ['none', 'default'];
  for (const bound of order) {
    const result = await run(bound, bytes);
    runs.push(result);
    console.log(
      `pair ${pair + 1} ${bound.padEnd(7)} peak RSS growth ${result.growthMb.toFixed(1)} MB, answers ${JSON.stringify(result.statuses)}`,
    );
  }
}
for (const bound of ['default', 'none'] as const) {
  const growth = runs.filter((each) => each.bound === bound).map((each) => each.growthMb);
  console.log(
    `${bound}: median ${median(growth).toFixed(1)} MB (${Math.min(...growth).toFixed(1)}–${Math.max(...growth).toFixed(1)}) over ${growth.length} runs`,
  );
}
console.log(
  `load ${loadBefore.toFixed(1)} → ${(loadavg()[0] ?? 0).toFixed(1)}, ${CLIENTS} clients × ${MAX_BODY_BYTES} bytes`,
);
