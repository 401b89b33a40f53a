/**
 * `pnpm --filter @gemloop/bench run live:latency [-- --chunks=N --rounds=N]`: the client-side
 * latency a live session adds per audio chunk it relays (issue 55: goal ≤ 1 ms p99), against the
 * fake Live server in the same process (`@gemloop/testing/live`), on Node's own WebSocket
 * (`--experimental-websocket`: the same undici implementation the session uses on Node 20).
 *
 * - Model → app: the fake sends a turn of N audio chunks (100 ms of 24 kHz PCM each); each chunk's
 *   send time is taken as the fake reads it to send it, its arrival when the app's
 *   `for await (const event of session)` gets the `audio` event. The floor is a bare WebSocket on
 *   the same fake that only `JSON.parse`s each frame: the difference is gemloop's.
 * - App → model: how long `session.sendAudio(chunk)` (100 ms of 16 kHz PCM) takes, against the
 *   floor's `socket.send(JSON.stringify(...))` of the same message with its base64.
 *
 * Rounds alternate the two. Prints p50/p99 per direction, each contender, and the load.
 */
import { loadavg } from 'node:os';
import { createAgent, createGemini } from '@gemloop/core';
import { createLiveSession } from '@gemloop/core/live';
import { createFakeLive, type FakeLiveStep } from '@gemloop/testing/live';

const argument = (name: string, fallback: number): number => {
  const found = process.argv.find((value) => value.startsWith(`--${name}=`));
  return found === undefined ? fallback : Number(found.slice(name.length + 3));
};
const CHUNKS = argument('chunks', 2000);
const ROUNDS = argument('rounds', 6);

if (typeof globalThis.WebSocket !== 'function') {
  console.error('Run with node --experimental-websocket (the package script does).');
  process.exit(2);
}

const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
};

const MODEL_CHUNK = Buffer.alloc(4800, 7).toString('base64'); // 100 ms of 24 kHz 16-bit PCM
const MIC_CHUNK = new Uint8Array(3200).fill(3); // 100 ms of 16 kHz 16-bit PCM

/** A turn of CHUNKS audio steps whose send times are taken as the fake reads each to send it. */
function stampedTurn(sent: number[]): FakeLiveStep[] {
  return Array.from({ length: CHUNKS }, () => {
    const step = {};
    Object.defineProperty(step, 'audio', {
      enumerable: true,
      get: () => {
        sent.push(performance.now());
        return MODEL_CHUNK;
      },
    });
    return step as FakeLiveStep;
  });
}

async function gemloopRound(): Promise<{ receive: number[]; send: number[] }> {
  const sent: number[] = [];
  const fake = await createFakeLive({ script: [stampedTurn(sent)] });
  const gemini = createGemini({ apiKey: 'bench-key', baseUrl: fake.url, retry: false });
  const agent = createAgent({ gemini, model: 'gemini-live-bench' });
  const session = await createLiveSession(agent, { modality: 'audio', transcripts: false });
  const send: number[] = [];
  for (let index = 0; index < CHUNKS; index += 1) {
    const start = performance.now();
    session.sendAudio(MIC_CHUNK);
    send.push(performance.now() - start);
  }
  const arrived: number[] = [];
  session.sendText('go');
  for await (const event of session) {
    if (event.type === 'audio') arrived.push(performance.now());
    if (event.type === 'turn-end') break;
  }
  await session.close();
  await fake.close();
  return { receive: arrived.map((at, index) => at - (sent[index] as number)), send };
}

async function floorRound(): Promise<{ receive: number[]; send: number[] }> {
  const sent: number[] = [];
  const fake = await createFakeLive({ script: [stampedTurn(sent)] });
  const socket = new WebSocket(
    `${fake.url.replace('http', 'ws')}/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent?key=bench-key`,
  );
  const arrived: number[] = [];
  let ready: () => void = () => {};
  let done: () => void = () => {};
  const setUp = new Promise<void>((resolve) => {
    ready = resolve;
  });
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  socket.onopen = () =>
    socket.send(
      JSON.stringify({
        setup: {
          model: 'models/gemini-live-bench',
          generationConfig: { responseModalities: ['AUDIO'] },
        },
      }),
    );
  socket.onmessage = (event: MessageEvent) => {
    const frame = JSON.parse(String(event.data)) as {
      setupComplete?: unknown;
      serverContent?: { modelTurn?: unknown; turnComplete?: boolean };
    };
    if (frame.setupComplete !== undefined) ready();
    if (frame.serverContent?.modelTurn !== undefined) arrived.push(performance.now());
    if (frame.serverContent?.turnComplete === true) done();
  };
  await setUp;
  const send: number[] = [];
  for (let index = 0; index < CHUNKS; index += 1) {
    const start = performance.now();
    socket.send(
      JSON.stringify({
        realtimeInput: {
          audio: {
            data: Buffer.from(MIC_CHUNK).toString('base64'),
            mimeType: 'audio/pcm;rate=16000',
          },
        },
      }),
    );
    send.push(performance.now() - start);
  }
  socket.send(JSON.stringify({ realtimeInput: { text: 'go' } }));
  await finished;
  socket.close();
  await fake.close();
  return { receive: arrived.map((at, index) => at - (sent[index] as number)), send };
}

const results = {
  gemloop: { receive: [] as number[], send: [] as number[], cpu: [] as number[] },
  floor: { receive: [] as number[], send: [] as number[], cpu: [] as number[] },
};
const loadAtStart = loadavg()[0] as number;
for (let round = 0; round < ROUNDS; round += 1) {
  const order = [
    ['gemloop', gemloopRound],
    ['floor', floorRound],
  ] as const;
  // Alternating which goes first, so a machine that slows down over a round hurts both alike.
  for (const [name, play] of round % 2 === 0 ? order : [...order].reverse()) {
    const before = process.cpuUsage();
    const { receive, send } = await play();
    const used = process.cpuUsage(before);
    // CPU per chunk relayed (one each way), the fake's share included: the same in both.
    results[name].cpu.push((used.user + used.system) / (2 * CHUNKS));
    results[name].receive.push(...receive);
    results[name].send.push(...send);
  }
}
const loadAtEnd = loadavg()[0] as number;
const micros = (ms: number) => `${(ms * 1000).toFixed(0)} µs`;
console.log(
  `live chunk latency: ${ROUNDS} rounds × ${CHUNKS} chunks each way, load ${loadAtStart.toFixed(1)} → ${loadAtEnd.toFixed(1)} (${process.version})`,
);
for (const direction of ['receive', 'send'] as const) {
  const own = results.gemloop[direction];
  const floor = results.floor[direction];
  console.log(
    `${direction === 'receive' ? 'model → app (frame sent → event read)' : 'app → model (sendAudio call)'}: gemloop p50 ${micros(percentile(own, 50))} p99 ${micros(percentile(own, 99))}; floor p50 ${micros(percentile(floor, 50))} p99 ${micros(percentile(floor, 99))}; added p50 ${micros(percentile(own, 50) - percentile(floor, 50))} p99 ${micros(percentile(own, 99) - percentile(floor, 99))}`,
  );
}
const cpu = (name: 'gemloop' | 'floor') => percentile(results[name].cpu, 50);
console.log(
  `CPU per chunk relayed (median of rounds, the fake's included): gemloop ${cpu('gemloop').toFixed(1)} µs, floor ${cpu('floor').toFixed(1)} µs, added ${(cpu('gemloop') - cpu('floor')).toFixed(1)} µs`,
);
