/**
 * `pnpm --filter @gemloop/bench run live:session [-- --minutes=N --turns=N]`: a scripted
 * 30-minute voice session against the fake Live server (`@gemloop/testing/live`), on a virtual
 * clock: 30 minutes of microphone audio (100 ms chunks of 16 kHz PCM, 18,000 of them) sent as
 * fast as the machine goes, the fake's clock advanced 100 ms a chunk, one user turn (the
 * microphone's `audioStreamEnd`) every `minutes × 60 / turns` seconds of audio, and three forced
 * reconnections: a `goAway` (a quarter in), a dropped socket in the middle of a model turn
 * (half-way), another `goAway` (three quarters in).
 *
 * Checks, and exits 1 when one fails: every model turn reached the app exactly once, in order (a
 * turn cut by the drop and replayed by the resumed server counts once: the app drops what it
 * showed of it on `reconnect` with `discardedTurn`); three reconnections. Prints the heap after a
 * full GC at each tenth of the session: flat memory is the last within a few MB of the first.
 */
import { loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createAgent, createGemini } from '@gemloop/core';
import { createLiveSession } from '@gemloop/core/live';
import { createFakeLive, type FakeLiveTurn } from '@gemloop/testing/live';

const argument = (name: string, fallback: number): number => {
  const found = process.argv.find((value) => value.startsWith(`--${name}=`));
  return found === undefined ? fallback : Number(found.slice(name.length + 3));
};
const MINUTES = argument('minutes', 30);
const TURNS = argument('turns', 60);
const CHUNK_MS = 100;
const CHUNKS = (MINUTES * 60_000) / CHUNK_MS;
const CHUNKS_PER_TURN = Math.floor(CHUNKS / TURNS);

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let virtualNow = Date.parse('2026-11-25T12:00:00Z');
const turnAt = (fraction: number) => Math.round(TURNS * fraction);
const script: FakeLiveTurn[] = Array.from({ length: TURNS }, (_, index) => {
  const number = index + 1;
  const answer = { text: `answer ${number}` };
  if (number === turnAt(0.25) || number === turnAt(0.75))
    return [{ goAway: { timeLeftMs: 10_000 } }, answer];
  if (number === turnAt(0.5)) return [answer, { drop: true }];
  return [answer];
});

const fake = await createFakeLive({ script, now: () => virtualNow });
const gemini = createGemini({ apiKey: 'bench-key', baseUrl: fake.url, retry: false });
const agent = createAgent({ gemini, model: 'gemini-live-bench' });
const session = await createLiveSession(agent, { modality: 'audio', transcripts: false });

const answers: string[] = [];
const heap: { minute: number; mb: number }[] = [];
let reconnections = 0;
let turnEnded: () => void = () => {};
const reader = (async () => {
  let current = '';
  for await (const event of session) {
    if (event.type === 'text-delta') current += event.text;
    if (event.type === 'reconnect') {
      reconnections += 1;
      if (event.discardedTurn) current = '';
    }
    if (event.type === 'turn-end') {
      answers.push(current);
      current = '';
      turnEnded();
    }
  }
})();

const loadAtStart = loadavg()[0] as number;
const started = performance.now();
const chunk = new Uint8Array(3200).fill(1);
for (let sent = 1; sent <= CHUNKS; sent += 1) {
  session.sendAudio(chunk);
  virtualNow += CHUNK_MS;
  if (sent % CHUNKS_PER_TURN === 0 && answers.length < TURNS) {
    const waited = new Promise<void>((resolve) => {
      turnEnded = resolve;
    });
    session.endAudio();
    await waited;
    // The fake keeps every client message for tests; a bench of 18,000 chunks would measure
    // its records, not the client.
    for (const connection of fake.connections) connection.messages.length = 0;
  }
  if (sent % (CHUNKS / 10) === 0) {
    gc();
    heap.push({
      minute: (sent * CHUNK_MS) / 60_000,
      mb: process.memoryUsage().heapUsed / 1024 / 1024,
    });
  }
}
await session.close();
await reader;
await fake.close();
const seconds = (performance.now() - started) / 1000;

const expected = Array.from({ length: TURNS }, (_, index) => `answer ${index + 1}`);
const lostOrRepeated = JSON.stringify(answers) !== JSON.stringify(expected);
console.log(
  `live session: ${MINUTES} virtual minutes (${CHUNKS} chunks of ${CHUNK_MS} ms), ${TURNS} turns, played in ${seconds.toFixed(1)} s; load ${loadAtStart.toFixed(1)} → ${(loadavg()[0] as number).toFixed(1)} (${process.version})`,
);
console.log(
  `turns: ${answers.length} reached the app, ${lostOrRepeated ? 'LOST OR REPEATED' : 'each once, in order'}; reconnections: ${reconnections}; fake errors: ${fake.errors.length}`,
);
console.log(
  `heap after GC (MB) by minute: ${heap.map(({ minute, mb }) => `${minute}: ${mb.toFixed(1)}`).join(', ')}`,
);
if (lostOrRepeated || reconnections !== 3 || fake.errors.length > 0) {
  console.log(JSON.stringify({ answers: answers.slice(0, 80), errors: fake.errors }));
  process.exit(1);
}
