/**
 * Entry of one client process of `npm run abba`: it loads one build of @gemloop/core from a
 * folder, makes the default agent (the bench's two tools, nothing else turned on), and runs the
 * `seq5` script against the scripted server when the orchestrator asks, measuring its own
 * process's CPU. Bundled by esbuild and run on plain node, as the bench's workers are.
 */
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { ADD_DESCRIPTION, add, MULTIPLY_DESCRIPTION, multiply } from '../script/bench-tools.ts';
import { BENCH_MODEL, expectedFinalText, loopPrompt, stepsPerRun } from '../script/run-script.ts';
import type {
  AbbaClientReply,
  AbbaClientRequest,
  AbbaClientSetup,
} from './abba-client-protocol.ts';

type Core = typeof import('@gemloop/core');

const SCRIPT = 'seq5';
const SEEDS = 256;
const STEPS = stepsPerRun(SCRIPT);
// Made before any timing: the samples measure the client, not the bench's script.
const prompts = Array.from({ length: SEEDS }, (_, seed) => loopPrompt(SCRIPT, seed));
const answers = Array.from({ length: SEEDS }, (_, seed) => expectedFinalText(SCRIPT, seed));

const send = (reply: AbbaClientReply): void => {
  process.send!(reply);
};

/** The default agent of the given build: what `gemloop.run` / `gemloop.stream` are in the bench. */
async function loadRunner(setup: AbbaClientSetup): Promise<(prompt: string) => Promise<string>> {
  const core = (await import(pathToFileURL(`${setup.coreDirectory}/dist/index.js`).href)) as Core;
  const input = z.object({ a: z.number().int(), b: z.number().int() });
  const agent = core.createAgent({
    gemini: core.createGemini({
      apiKey: 'bench-key-not-secret',
      baseUrl: setup.baseUrl,
      transport: setup.transport,
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
    maxSteps: setup.maxSteps,
  });
  if (setup.mode === 'run') return async (prompt) => (await agent.run(prompt)).text;
  return async (prompt) => {
    const stream = agent.stream(prompt);
    for await (const _event of stream);
    return (await stream.result).text;
  };
}

let run: ((prompt: string) => Promise<string>) | undefined;
let nextSeed = 0;

async function runs(count: number): Promise<void> {
  if (run === undefined) throw new Error('no build loaded');
  for (let index = 0; index < count; index++) {
    const seed = nextSeed++ % SEEDS;
    const text = await run(prompts[seed]!);
    // The server refuses a wrong request with a 400, which fails the run; a wrong answer here.
    if (text !== answers[seed]) throw new Error(`wrong final answer for seed ${seed}`);
  }
}

async function handle(request: AbbaClientRequest): Promise<AbbaClientReply> {
  if (request.type === 'load') {
    run = await loadRunner(request.setup);
    return { type: 'loaded' };
  }
  if (request.type === 'warmup') {
    await runs(request.runs);
    return { type: 'warmed' };
  }
  const before = process.cpuUsage();
  await runs(request.runs);
  const used = process.cpuUsage(before);
  return { type: 'sample', cpuUsPerStep: (used.user + used.system) / (request.runs * STEPS) };
}

process.on('message', (request: AbbaClientRequest) => {
  handle(request).then(send, (error: unknown) =>
    send({
      type: 'failed',
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    }),
  );
});
// The orchestrator going away must not leave a client behind.
process.on('disconnect', () => process.exit(0));
send({ type: 'up' });
