/**
 * Entry of a contender's process. It loads one contender (or parser), warms it up, and then
 * runs timed samples when the orchestrator asks, so that samples of all contenders can be
 * interleaved while each keeps its own process: its own heap, JIT state, CPU clock and peak RSS.
 */

import { GCProfiler, getHeapStatistics } from 'node:v8';
import { ContenderUnavailableError, type LoopRunner } from '../contenders/contender.ts';
import { CONTENDERS, PARSERS } from '../contenders/registry.ts';
import { chatUserText, createChatTurn } from '../script/chat-script.ts';
import { createLongAnswer, createLongStream, type LongAnswer } from '../script/long-stream.ts';
import { expectedFinalText, loopPrompt, stepsPerRun } from '../script/run-script.ts';
import { contenderBaseUrl } from '../server/contender-base-url.ts';
import { createInProcessGemini, IN_PROCESS_ORIGIN } from '../server/in-process-gemini.ts';
import type {
  ChatResult,
  LeakResult,
  SampleResult,
  WorkerLoopScript,
  WorkerReply,
  WorkerRequest,
  WorkerSetup,
} from './worker-protocol.ts';

/** Seeds cycle through this many distinct runs (the server caches one script per seed). */
const SEED_COUNT = 256;
const API_KEY = 'bench-key-not-secret';

const send = (reply: WorkerReply): void => {
  process.send!(reply);
};

const collectGarbage = (): void => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('the worker needs --expose-gc');
  // Twice: the first pass can leave objects that only die once their finalizers ran.
  gc();
  gc();
};

/** A run of the loop with its expected answer, by seed. */
type LoopPlan = {
  prompt(seed: number): string;
  expected(seed: number): string;
  steps: number;
  bytes: number;
};

function loopPlan(script: WorkerLoopScript, longChunks: number): LoopPlan {
  if (script === 'long') {
    // The answer's text, not its body: the server sends the body (see createLongAnswer).
    const long: LongAnswer = createLongAnswer(longChunks);
    return {
      prompt: () => long.prompt,
      expected: () => long.text,
      steps: 1,
      bytes: long.byteLength,
    };
  }
  // Built before any timing: the samples must measure the contender, not the bench's script.
  const prompts: string[] = [];
  const answers: string[] = [];
  for (let seed = 0; seed < SEED_COUNT; seed++) {
    prompts.push(loopPrompt(script, seed));
    answers.push(expectedFinalText(script, seed));
  }
  return {
    prompt: (seed) => prompts[seed]!,
    expected: (seed) => answers[seed]!,
    steps: stepsPerRun(script),
    bytes: 0,
  };
}

let nextSeed = 0;

async function runLoops(
  runner: LoopRunner,
  plan: LoopPlan,
  runs: number,
  concurrency: number,
): Promise<void> {
  let started = 0;
  const lane = async (): Promise<void> => {
    while (started < runs) {
      started++;
      const seed = nextSeed++ % SEED_COUNT;
      const text = await runner.run(plan.prompt(seed));
      if (text !== plan.expected(seed)) {
        throw new Error(
          `wrong final answer for seed ${seed}: ${JSON.stringify(text.slice(0, 200))}`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, runs) }, lane));
}

async function timed(
  steps: number,
  bytes: number,
  work: () => Promise<void>,
): Promise<SampleResult> {
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  await work();
  const wallNs = Number(process.hrtime.bigint() - started);
  const cpu = process.cpuUsage(cpuBefore);
  return { type: 'sample', wallNs, cpuUs: cpu.user + cpu.system, steps, bytes };
}

/**
 * {@link timed}, plus the bytes allocated on the V8 heap meanwhile: the heap used at the end minus
 * at the start, plus what each garbage collection in between freed (from `v8.GCProfiler`, which
 * records the heap before and after every collection). Starts from a full GC, so the collections
 * inside the sample are the ones its own allocations caused.
 */
async function timedWithAllocation(
  steps: number,
  work: () => Promise<void>,
): Promise<SampleResult> {
  collectGarbage();
  const profiler = new GCProfiler();
  profiler.start();
  const heapBefore = getHeapStatistics().used_heap_size;
  const sample = await timed(steps, 0, work);
  const heapAfter = getHeapStatistics().used_heap_size;
  let freed = 0;
  for (const collection of profiler.stop().statistics) {
    freed +=
      collection.beforeGC.heapStatistics.usedHeapSize -
      collection.afterGC.heapStatistics.usedHeapSize;
  }
  return { ...sample, allocatedBytes: heapAfter - heapBefore + freed };
}

type Task = {
  sample?: ((runs: number, concurrency: number) => Promise<SampleResult>) | undefined;
  measure?: (() => Promise<ChatResult | LeakResult>) | undefined;
};

async function setUp(setup: WorkerSetup): Promise<Task> {
  if (setup.task === 'parse') {
    const entry = PARSERS.find((parser) => parser.name === setup.parser);
    if (entry === undefined) throw new Error(`unknown parser ${setup.parser}`);
    const parse = await (await entry.load()).create();
    const long = createLongStream(setup.chunkCount);
    const check = async (): Promise<void> => {
      const text = await parse(long.pieces, long.prompt);
      if (text !== long.text) {
        throw new Error(
          `parsed text differs from the stream's (${text.length} vs ${long.text.length} chars)`,
        );
      }
    };
    for (let run = 0; run < setup.warmupRuns; run++) await check();
    return { sample: () => timed(1, long.byteLength, check) };
  }
  const entry = CONTENDERS.find((contender) => contender.name === setup.contender);
  if (entry === undefined) throw new Error(`unknown contender ${setup.contender}`);
  const contender = await entry.load();
  if (setup.task === 'loop') {
    const baseUrl = contenderBaseUrl(setup.serverUrl, setup.label ?? contender.name, setup.script);
    const runner = await contender.createLoop({
      baseUrl,
      apiKey: API_KEY,
      maxSteps: setup.maxSteps,
    });
    const plan = loopPlan(setup.script, setup.longChunks);
    await runLoops(runner, plan, setup.warmupRuns, 1);
    return {
      sample: (runs, concurrency) =>
        timed(runs * plan.steps, runs * plan.bytes, () =>
          runLoops(runner, plan, runs, concurrency),
        ),
    };
  }
  if (setup.task === 'overhead') {
    const server = createInProcessGemini();
    const runner = await contender.createLoop({
      baseUrl: contenderBaseUrl(IN_PROCESS_ORIGIN, contender.name, setup.script),
      apiKey: API_KEY,
      maxSteps: setup.maxSteps,
      fetch: server.fetch,
    });
    const plan = loopPlan(setup.script, 0);
    // Every run must be played to its end by the server, with no request refused.
    const check = (runs: number): void => {
      const stats = server.stats();
      if (stats.failures > 0 || stats.finals !== runs || stats.requests !== runs * plan.steps) {
        throw new Error(
          `the in-process server's counters do not match ${runs} complete runs of ${plan.steps} requests: ${JSON.stringify(stats)}`,
        );
      }
      server.reset();
    };
    await runLoops(runner, plan, setup.warmupRuns, 1);
    check(setup.warmupRuns);
    return {
      sample: async (runs, concurrency) => {
        const sample = await timedWithAllocation(runs * plan.steps, () =>
          runLoops(runner, plan, runs, concurrency),
        );
        sample.serverNs = server.stats().serverNs;
        check(runs);
        return sample;
      },
    };
  }
  if (setup.task === 'leak') {
    const baseUrl = contenderBaseUrl(setup.serverUrl, contender.name, 'leak');
    const runner = await contender.createLoop({
      baseUrl,
      apiKey: API_KEY,
      maxSteps: setup.maxSteps,
    });
    const plan = loopPlan('leak', 0);
    await runLoops(runner, plan, setup.warmupRuns, 1);
    return {
      measure: async () => {
        const points: LeakResult['points'] = [];
        const record = (runs: number): void => {
          collectGarbage();
          points.push({
            runs,
            heapBytes: process.memoryUsage().heapUsed,
            rssBytes: process.memoryUsage().rss,
          });
        };
        const started = process.hrtime.bigint();
        record(0);
        for (let done = 0; done < setup.runs; done += setup.checkpointEvery) {
          await runLoops(runner, plan, setup.checkpointEvery, 1);
          record(done + setup.checkpointEvery);
        }
        return { type: 'leak', points, wallNs: Number(process.hrtime.bigint() - started) };
      },
    };
  }
  // Chat: the history lives in the contender (its chat layer, or the array it keeps).
  const createChat = contender.createChat;
  if (createChat === undefined) throw new Error(`${contender.name} has no chat form`);
  const baseUrl = contenderBaseUrl(setup.serverUrl, contender.name, 'chat');
  const context = { baseUrl, apiKey: API_KEY, maxSteps: 4 };
  return {
    measure: async () => {
      // Warm up on another seed, then drop that chat so its history is garbage before the baseline.
      let warmup: Awaited<ReturnType<typeof createChat>> | undefined = await createChat(context);
      for (let turn = 0; turn < setup.warmupTurns; turn++) await warmup.send(chatUserText(1, turn));
      warmup = undefined;
      const chat = await createChat(context);
      collectGarbage();
      const baselineHeapBytes = process.memoryUsage().heapUsed;
      const turnWallNs: number[] = [];
      const turnCpuUs: number[] = [];
      const heap: ChatResult['heap'] = [];
      for (let turn = 0; turn < setup.turns; turn++) {
        const cpuBefore = process.cpuUsage();
        const started = process.hrtime.bigint();
        const reply = await chat.send(chatUserText(0, turn));
        turnWallNs.push(Number(process.hrtime.bigint() - started));
        const cpu = process.cpuUsage(cpuBefore);
        turnCpuUs.push(cpu.user + cpu.system);
        const expected = createChatTurn(0, turn).replyText;
        if (reply !== expected) throw new Error(`turn ${turn}: expected ${expected}, got ${reply}`);
        if (setup.checkpoints.includes(turn + 1)) {
          collectGarbage();
          heap.push({ turn: turn + 1, heapBytes: process.memoryUsage().heapUsed });
        }
      }
      return {
        type: 'chat',
        turnWallNs,
        turnCpuUs,
        baselineHeapBytes,
        heap,
        storedTurns: await chat.storedTurns(),
      };
    },
  };
}

let task: Task | undefined;

process.on('message', (request: WorkerRequest) => {
  void handle(request).catch((error: unknown) => {
    if (error instanceof ContenderUnavailableError)
      send({ type: 'unavailable', message: error.message });
    else
      send({
        type: 'error',
        message: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
  });
});
process.on('disconnect', () => process.exit(0));

async function handle(request: WorkerRequest): Promise<void> {
  switch (request.type) {
    case 'setup':
      task = await setUp(request.setup);
      send({ type: 'ready' });
      return;
    case 'sample':
      send(await task!.sample!(request.runs, request.concurrency));
      return;
    case 'measure':
      send(await task!.measure!());
      return;
    case 'peak':
      send({ type: 'peak', maxRssBytes: process.resourceUsage().maxRSS * 1024 });
      return;
    case 'finish':
      // Exit on our own once the reply is out: a killed process would not write its --cpu-prof.
      process.send!({ type: 'finished', maxRssBytes: process.resourceUsage().maxRSS * 1024 }, () =>
        process.exit(0),
      );
      return;
  }
}
