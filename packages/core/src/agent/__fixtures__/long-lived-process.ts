// A long-lived process, run as a child (`node --expose-gc`) by `long-lived-process.attacks.test.ts`:
// many runs on one agent against the fake Gemini on 127.0.0.1, then one JSON line of counts on
// stdout. `argv[2]` is the scenario, `argv[3]` the transport (`node` or `fetch`). The process never
// calls `process.exit`: it ends when nothing holds its event loop, which is what `exits` is about.
import { getEventListeners } from 'node:events';
import { getHeapSpaceStatistics } from 'node:v8';
import { createFakeGemini, type FakeScriptContext, turn } from '@gemloop/testing';
import { z } from 'zod';
import { createMemoryHistoryStore } from '../../chat/index.ts';
import { subagent } from '../../composition/index.ts';
import { createAgent, createChatSession, createGemini, defineTool } from '../../index.ts';
import { definePlugin } from '../../plugins/index.ts';

const [scenario = 'signal', transportArgument = 'node'] = process.argv.slice(2);
const transport = transportArgument === 'fetch' ? 'fetch' : 'node';
const MODEL = 'gemini-2.5-flash';

/** `globalThis.gc`, there with `--expose-gc`. */
const collect = (globalThis as { gc?: () => void }).gc;
if (collect === undefined) throw new Error('run this fixture with node --expose-gc');

/** Bytes of objects alive after two full GCs, V8's compiled code left out (as live-heap.ts). */
async function liveHeap(): Promise<number> {
  await new Promise((resolve) => setImmediate(resolve));
  collect?.();
  collect?.();
  let bytes = 0;
  for (const space of getHeapSpaceStatistics()) {
    if (!space.space_name.startsWith('code')) bytes += space.space_used_size;
  }
  return bytes;
}

/** The median of the slopes between every two of `points` (Theil-Sen): robust to an outlier. */
function medianSlope(points: readonly (readonly [x: number, y: number])[]): number {
  const slopes: number[] = [];
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) {
      const [xi, yi] = points[i] as readonly [number, number];
      const [xj, yj] = points[j] as readonly [number, number];
      slopes.push((yj - yi) / (xj - xi));
    }
  }
  slopes.sort((a, b) => a - b);
  const middle = slopes.length >> 1;
  return slopes.length % 2 === 1
    ? (slopes[middle] as number)
    : ((slopes[middle - 1] as number) + (slopes[middle] as number)) / 2;
}

/**
 * The process's active resources by kind (`TCPSocketWrap`, `Timeout`, ...), its own stdio pipes
 * (`PipeWrap`, `TTYWrap`: the parent reads its stdout) left out.
 */
function resources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) {
    if (kind !== 'PipeWrap' && kind !== 'TTYWrap') counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}

/** Lets the loop turn a few times: sockets destroyed by an abort close on a later turn. */
async function settle(): Promise<void> {
  for (let turnCount = 0; turnCount < 20; turnCount++)
    await new Promise((resolve) => setImmediate(resolve));
}

const warnings: string[] = [];
process.on('warning', (warning) => warnings.push(`${warning.name}: ${warning.message}`));

/** What the fake answers, by the first words of the run's prompt. */
function answer(context: FakeScriptContext) {
  if (context.functionResponses.length > 0) return turn.text('Done with the tools.');
  const prompt = context.lastUserText ?? '';
  if (prompt.startsWith('tool')) return turn.call('lookup', { key: 'a' });
  if (prompt.startsWith('throw')) return turn.call('broken', { key: 'b' });
  if (prompt.startsWith('sub')) return turn.call('helper', { task: 'child task' });
  if (prompt.startsWith('deaf')) return turn.call('deaf', { key: 'c' });
  if (prompt.startsWith('long')) return turn.text('word '.repeat(4_000));
  return turn.text('A plain answer in several words. '.repeat(8));
}

/**
 * A request's prompt, as `answer` reads it (the fake's `lastUserText`): the text of its last user
 * turn with text. The faults match it, not the whole body (history, tools) stringified for each
 * rule and request: ~5 % of the `signal` scenario's CPU.
 */
function promptOf(body: unknown): string {
  const contents = (body as { contents?: { role?: string; parts?: { text?: unknown }[] }[] })
    .contents;
  for (let index = (contents?.length ?? 0) - 1; index >= 0; index--) {
    const content = contents?.[index];
    if (content?.role !== undefined && content.role !== 'user') continue;
    const text = content?.parts?.find((part) => typeof part.text === 'string' && part.text !== '');
    if (typeof text?.text === 'string') return text.text;
  }
  return '';
}

const fake = createFakeGemini({
  keepRequests: 1,
  // A `long` answer (20,000 characters) in 20 chunks, not the default 48 characters' 417: the
  // stream left at its first text still has 19 events and ~24 KB of body unread, and each chunk
  // cost its JSON on both sides (the file's CPU: 7.6 → 4.9 s for the 1,000 abandoned streams).
  chunkSize: 1_000,
  script: (_request, context) => answer(context),
  faults: [
    // A 429 whose RetryInfo asks for 30 s: the run is aborted while it waits.
    {
      fault: { type: 'rate-limit', retryDelaySeconds: 30 },
      on: (call) => promptOf(call.body).startsWith('backoff'),
    },
    // The first call of a `once` prompt is a 503, retried after a short back-off.
    {
      fault: { type: 'overloaded' },
      on: (call) => promptOf(call.body).startsWith('once503'),
      times: 1,
    },
    { fault: { type: 'internal' }, on: (call) => promptOf(call.body).startsWith('fail500') },
  ],
});
const { url } = await fake.listen();
const gemini = createGemini({
  baseUrl: url,
  apiKey: 'test-key',
  transport,
  retry: { maxRetries: 2, initialDelayMs: 5, maxServerDelayMs: 60_000 },
});

/** The server's shutdown signal: every run gets it, it never aborts. */
const server = new AbortController();
let listenersSeen = 0;
const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a key up.',
  parameters: z.object({ key: z.string() }),
  timeoutMs: 5_000,
  execute: ({ key }) => {
    listenersSeen = Math.max(listenersSeen, getEventListeners(server.signal, 'abort').length);
    return { key, value: 42 };
  },
});
const broken = defineTool({
  name: 'broken',
  description: 'Always fails.',
  parameters: z.object({ key: z.string() }),
  execute: () => {
    throw new Error('the service is down');
  },
});
// Ignores its signal, past its own 20 ms time limit.
const deaf = defineTool({
  name: 'deaf',
  description: 'Slow and deaf.',
  parameters: z.object({ key: z.string() }),
  timeoutMs: 20,
  execute: () => new Promise((resolve) => setTimeout(resolve, 200, 'late')),
});

/** A plugin whose per-run state is watched: each state registered, counted when collected. */
const stateAlive = new Set<number>();
const stateGone = new FinalizationRegistry<number>((id) => stateAlive.delete(id));
let statesMade = 0;
const watched = definePlugin({
  name: 'watched-state',
  startRun: () => {
    const id = statesMade++;
    const state = { id, scratch: new Array<number>(256).fill(id) };
    stateAlive.add(id);
    stateGone.register(state, id);
    return state;
  },
  endRun: () => {},
  wrapModelCall: (request, next) => next(request),
  wrapToolCall: (_call, next) => next(),
});

const child = createAgent({ gemini, model: MODEL, plugins: [watched] });
const agent = createAgent({
  gemini,
  model: MODEL,
  plugins: [watched],
  tools: [lookup, broken, deaf, subagent(child, { name: 'helper', description: 'Helps.' })],
});
const chat = createChatSession({
  agent,
  store: createMemoryHistoryStore({ maxHistoryBytes: 16_384 }),
  limit: { maxTurns: 4 },
});

/** A run's outcome as a word: `ok` or its error's name. */
const outcome = (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => 'ok',
    (error: unknown) => (error as Error).name,
  );

/** Reads a stream to its end (or its abort) and returns its outcome. */
async function drain(stream: ReturnType<typeof agent.stream>): Promise<string> {
  try {
    for await (const _event of stream) {
      // Read to the end.
    }
  } catch {
    // The result says what happened.
  }
  return outcome(stream.result);
}

const outcomes: Record<string, number> = {};
const count = (kind: string, result: string) => {
  const key = `${kind}:${result}`;
  outcomes[key] = (outcomes[key] ?? 0) + 1;
};

/**
 * Run `index` on the server's signal, one of: unary, streamed, with a tool, through a subagent,
 * a chat send (unary or streamed), a signal of `AbortSignal.any` with a time-out.
 */
async function sharedSignalRun(index: number): Promise<void> {
  const signal = server.signal;
  switch (index % 7) {
    case 0:
      return count('run', await outcome(agent.run(`plain ${index}`, { signal })));
    case 1:
      return count('stream-tool', await drain(agent.stream(`tool ${index}`, { signal })));
    case 2:
      return count('sub', await outcome(agent.run(`sub ${index}`, { signal })));
    case 3:
      return count('chat', await outcome(chat.send(`plain ${index}`, { signal })));
    case 4: {
      const stream = chat.sendStream(`tool ${index}`, { signal });
      for await (const _event of stream) {
        // Read to the end.
      }
      return count('chat-stream', await outcome(stream.result));
    }
    case 5: {
      const any = AbortSignal.any([signal, AbortSignal.timeout(60_000)]);
      return count('any', await outcome(agent.run(`tool ${index}`, { signal: any })));
    }
    default:
      return count('throw', await outcome(agent.run(`throw ${index}`, { signal })));
  }
}

/** A stream left after its first event (or its first text), or never touched and dropped. */
async function abandonedStream(index: number, untouched: WeakRef<object>[]): Promise<void> {
  const signal = server.signal;
  if (index % 5 === 4) {
    const before = fake.turnsDelivered;
    // A `long` answer: 20 text events left unread (the 6 of a plain one at the fake's old chunks).
    untouched.push(new WeakRef(agent.stream(`long ${index}`, { signal })));
    // Its run goes on unread: wait for its answer to be sent, then for its run to end.
    while (fake.turnsDelivered === before) await new Promise((resolve) => setTimeout(resolve, 1));
    await settle();
    return count('untouched', 'dropped');
  }
  const atText = index % 2 === 0;
  const stream = agent.stream(`${atText ? 'long' : 'tool'} ${index}`, { signal });
  for await (const event of stream) {
    if (!atText || event.type === 'text-delta') break;
  }
  count(atText ? 'left-at-text' : 'left-at-start', await outcome(stream.result));
  // A real server's loop turns between requests (each arrives as I/O): so does this one.
  await new Promise((resolve) => setImmediate(resolve));
}

/** What the child prints: one JSON line the test reads. */
export type LongLivedReport = {
  transport: string;
  outcomes?: Record<string, number>;
  bytesPerRun?: number;
  listenersDuring?: number;
  listenersAfter?: number;
  socketsAt?: number[];
  untouched?: number;
  untouchedAlive?: number;
  statesMade?: number;
  statesAlive?: number;
  resourcesAfterClose?: Record<string, number>;
  warnings?: string[];
};
const report: LongLivedReport = { transport };

if (scenario === 'signal' || scenario === 'abandoned') {
  const runs = scenario === 'signal' ? 1_050 : 1_000;
  // The live heap every 50 runs from run 350 on, and its slope as the median of the slopes
  // between every two readings (Theil-Sen): one reading off by hundreds of KB (V8's own data
  // freed by later activity, not by more GCs: the first reading after a stretch without a
  // forced GC often is) moves it little. The two readings at 350 and the end alone measured
  // 172-1,332 B a run on a quiet machine and 2,368 under load; this, -100 to 480.
  const readings: [run: number, bytes: number][] = [];
  const untouched: WeakRef<object>[] = [];
  const socketsAt: number[] = [];
  for (let index = 0; index < runs; index++) {
    if (scenario === 'signal') await sharedSignalRun(index);
    else await abandonedStream(index, untouched);
    if ((index + 1) % 250 === 0) {
      await settle();
      socketsAt.push(resources()['TCPSocketWrap'] ?? 0);
    }
    if (index + 1 >= 350 && (index + 1) % 50 === 0) {
      if (index + 1 === runs) await settle();
      readings.push([index + 1, await liveHeap()]);
    }
  }
  report.outcomes = outcomes;
  report.bytesPerRun = Math.round(medianSlope(readings));
  report.listenersDuring = listenersSeen;
  report.listenersAfter = getEventListeners(server.signal, 'abort').length;
  report.socketsAt = socketsAt;
  report.untouchedAlive = untouched.filter((ref) => ref.deref() !== undefined).length;
  report.untouched = untouched.length;
} else if (scenario === 'plugin-state') {
  // Runs that end every way: answered, a tool that throws, a model that fails, a deaf tool's run
  // aborted by its time-out, a stream left, a stream aborted, a subagent.
  const runs = 280;
  for (let index = 0; index < runs; index++) {
    const signal = server.signal;
    switch (index % 7) {
      case 0:
        count('ok', await outcome(agent.run(`tool ${index}`, { signal })));
        break;
      case 1:
        count('tool-throws', await outcome(agent.run(`throw ${index}`, { signal })));
        break;
      case 2:
        count('model-fails', await outcome(agent.run(`fail500 ${index}`, { signal })));
        break;
      case 3: {
        const any = AbortSignal.any([signal, AbortSignal.timeout(5)]);
        count('aborted', await outcome(agent.run(`deaf ${index}`, { signal: any })));
        break;
      }
      case 4: {
        const stream = agent.stream(`long ${index}`, { signal });
        for await (const _event of stream) break;
        count('left', await outcome(stream.result));
        break;
      }
      case 5: {
        const stream = agent.stream(`long ${index}`, { signal });
        try {
          for await (const _event of stream) stream.abort();
        } catch {
          // The abort ends the iteration; the result says so.
        }
        count('stream-aborted', await outcome(stream.result));
        break;
      }
      default:
        count('sub', await outcome(agent.run(`sub ${index}`, { signal })));
    }
  }
  // Late deaf tools resolve after their runs: let them.
  await new Promise((resolve) => setTimeout(resolve, 300));
  for (let round = 0; round < 5; round++) {
    await liveHeap();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  report.outcomes = outcomes;
  report.statesMade = statesMade;
  report.statesAlive = stateAlive.size;
} else if (scenario === 'exits') {
  // Every timer a run arms, then nothing: the process must end by itself.
  const signal = server.signal;
  count('tool-timeout', await outcome(agent.run('deaf', { signal })));
  count('retried-503', await outcome(agent.run('once503', { signal })));
  count(
    'aborted-in-backoff',
    await outcome(agent.run('backoff', { signal: AbortSignal.any([signal, AbortSignal.timeout(300)]) })),
  );
  const left = agent.stream('long', { signal });
  for await (const _event of left) break;
  count('left', await outcome(left.result));
  count('chat-timeout', await outcome(chat.send('backoff', { signal: AbortSignal.timeout(300) })));
  count('sub', await outcome(agent.run('sub', { signal })));
  count('any-timeout', await outcome(agent.run('tool', { signal: AbortSignal.any([signal, AbortSignal.timeout(120_000)]) })));
  report.outcomes = outcomes;
}

await fake.close();
await settle();
report.resourcesAfterClose = resources();
report.warnings = warnings;
process.stdout.write(`${JSON.stringify(report)}\n`);
