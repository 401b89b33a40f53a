import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  abortListeners,
  liveHeap,
  pendingTimers,
  warningsDuring,
} from '../__fixtures__/live-heap.ts';
import { subagent } from '../composition/subagent.ts';
import { createGemini } from '../http/create-gemini.ts';
import type { Gemini } from '../http/gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { type Agent, createAgent } from './create-agent.ts';
import { AgentAbortedError } from './errors/agent-aborted-error.ts';

// Fleets run one agent for hours: what each run leaves behind must be nothing. Measured as bytes
// alive after a full GC at two points of the same fleet (a count the machine's load does not
// move), and as the listeners and timers left on what outlives a run: the signal the user passes
// to every run, the process's timers. Probed for leak40 (bench/RESULTS.md, "leak40"): 5,000 runs
// kept 19 B a run, all of it V8's compiled code and its data; no listener stayed on the shared
// signal, at most one while runs were under way (the runs follow it through one listener).

const MODEL = 'gemini-2.5-flash';

/**
 * Bytes a run may leave alive: generous, for what V8's optimiser keeps making as the runs go on
 * (its code is left out of the count, but its deoptimisation data and weak lists live among the
 * objects: 19 to 245 B a run over runs 1,000 to 4,000 at load 20, all of it such, by heap
 * snapshots). Keeping the result of every other run (its history, steps and usage) measured
 * 2,504 B a run.
 */
const MAX_RETAINED_BYTES_PER_RUN = 1_024;

/**
 * The heap is read after run 500 and again after run 1,500. The window was runs 1,000 to 4,000:
 * read every 250 to 500 runs up to 4,000 (twice, load 20-28), the optimiser's residue was 274 and
 * 281 B a run from 500 to 2,500 against 269 and 271 from 1,000 to 4,000, and at most ~640 B a run
 * over any 500 runs; 2,000 runs fewer is ~3-4 s of CPU less (bench/RESULTS.md, test-speed21).
 * Then 500 to 2,500, now 500 to 1,500: read every 250 runs in five fresh workers, the residue
 * from 500 to 1,500 was 104 to 353 B a run (102 to 282 to 2,500), a third of the bound, while
 * keeping every other run's result read 1,364 B a run over the same window (bench/RESULTS.md,
 * speed-units47).
 */
const FIRST_READING = 500;
const LAST_READING = 1_500;

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

/** The fake answers by the prompt: a tool call, a failing tool, a subagent, or plain text. */
function fleetFake(): FakeGemini {
  const fake = createFakeGemini({
    keepRequests: 1,
    script: (_request, context) => {
      if (context.functionResponses.length > 0) return turn.text('Done with the tools. '.repeat(8));
      const prompt = context.lastUserText ?? '';
      if (prompt.startsWith('child')) return turn.text('The child answers.');
      if (prompt.startsWith('tool')) return turn.call('get_weather', { city: 'Paris' });
      if (prompt.startsWith('fail')) return turn.call('broken', { city: 'Oslo' });
      if (prompt.startsWith('sub')) return turn.call('helper', { task: 'child task' });
      return turn.text('A plain answer in several words. '.repeat(8));
    },
  });
  fakes.push(fake);
  return fake;
}

function fleetAgent(gemini: Gemini): Agent<undefined> {
  const weather = defineTool({
    name: 'get_weather',
    description: 'Current weather for a city.',
    parameters: z.object({ city: z.string() }),
    execute: ({ city }) => ({ city, forecast: 'sunny' }),
  });
  const broken = defineTool({
    name: 'broken',
    description: 'Always fails.',
    parameters: z.object({ city: z.string() }),
    execute: () => {
      throw new Error('the weather service is down');
    },
  });
  const child = createAgent({ gemini, model: MODEL });
  return createAgent({
    gemini,
    model: MODEL,
    tools: [weather, broken, subagent(child, { name: 'helper', description: 'Helps.' })],
  });
}

const PROMPTS = ['tool', 'fail', 'sub', 'plain'] as const;

/**
 * Run `index` of the fleet, on the user's long-lived signal: unary or streamed by turns; one in
 * ten streams is left after its first event (the reader breaks out), one in ten aborted there.
 */
async function fleetRun(agent: Agent<undefined>, index: number, signal: AbortSignal) {
  const prompt = `${PROMPTS[index % PROMPTS.length]} ${index}`;
  if (index % 2 === 0) {
    await agent.run(prompt, { signal });
    return;
  }
  const stream = agent.stream(prompt, { signal });
  const leave = index % 10 === 1 ? 'break' : index % 10 === 3 ? 'abort' : undefined;
  try {
    for await (const _event of stream) {
      if (leave === 'break') break;
      if (leave === 'abort') stream.abort();
    }
  } catch (error) {
    // The aborted stream's iteration ends with the abort; `result` says so below.
    if (leave !== 'abort') throw error;
  }
  if (leave === undefined) {
    await stream.result;
    return;
  }
  // Checked without `expect(...).rejects`: vitest keeps each such assertion until the test ends,
  // which this count of the heap would take for the runs' own.
  const ended = await stream.result.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!AgentAbortedError.isInstance(ended)) throw new Error(`run ${index} did not end aborted`);
}

describe("a fleet's runs keep nothing once they end", () => {
  it('holds the heap flat from run 500 to run 1,500 of one agent on one long-lived signal', async () => {
    const fake = fleetFake();
    const agent = fleetAgent(createGemini({ fetch: fake.fetch, apiKey: 'test-key', retry: false }));
    const user = new AbortController();
    let mostListeners = 0;
    let atFirstReading = 0;
    let atLastReading = 0;
    const warnings = await warningsDuring(async () => {
      for (let index = 1; index <= LAST_READING; index++) {
        await fleetRun(agent, index, user.signal);
        mostListeners = Math.max(mostListeners, abortListeners(user.signal));
        if (index === FIRST_READING) atFirstReading = await liveHeap();
        if (index === LAST_READING) atLastReading = await liveHeap();
      }
    });
    expect(warnings).toEqual([]);
    expect(abortListeners(user.signal)).toBe(0);
    expect(mostListeners).toBeLessThanOrEqual(1);
    const perRun = (atLastReading - atFirstReading) / (LAST_READING - FIRST_READING);
    expect(perRun).toBeLessThan(MAX_RETAINED_BYTES_PER_RUN);
    await agent.close();
  }, 300_000);
});

describe('runs at once over HTTP', () => {
  it('200 runs at once, twice, leave no listener on the shared signal, no timer and no warning', async () => {
    const fake = fleetFake();
    const { url } = await fake.listen();
    // The default transport (node:http on Node) and its pool of sockets, with retries on.
    const agent = fleetAgent(createGemini({ baseUrl: url, apiKey: 'test-key' }));
    const user = new AbortController();
    const timersBefore = pendingTimers();
    let mostListeners = 0;
    const warnings = await warningsDuring(async () => {
      for (let batch = 0; batch < 2; batch++) {
        await Promise.all(
          Array.from({ length: 200 }, async (_, slot) => {
            await fleetRun(agent, batch * 200 + slot, user.signal);
            mostListeners = Math.max(mostListeners, abortListeners(user.signal));
          }),
        );
      }
    });
    expect(warnings).toEqual([]);
    expect(mostListeners).toBeLessThanOrEqual(1);
    expect(abortListeners(user.signal)).toBe(0);
    // Every run's timers (tool time limits, the subagent's, retries' waits) were cleared.
    expect(pendingTimers()).toBeLessThanOrEqual(timersBefore);
    await agent.close();
  }, 300_000);
});

describe('a stream its reader leaves', () => {
  it('is let go with its run once the reader breaks out after the first event', async () => {
    const fake = fleetFake();
    const { url } = await fake.listen();
    const agent = fleetAgent(createGemini({ baseUrl: url, apiKey: 'test-key' }));
    const user = new AbortController();
    const timersBefore = pendingTimers();
    // Made and left in a frame of its own, so only the WeakRef points at it afterwards.
    const left = await (async () => {
      const stream = agent.stream('tool call then leave', { signal: user.signal });
      for await (const _event of stream) break;
      const ended = await stream.result.then(
        () => undefined,
        (error: unknown) => error,
      );
      return { stream: new WeakRef(stream), ended };
    })();
    expect(AgentAbortedError.isInstance(left.ended)).toBe(true);
    await liveHeap();
    expect(left.stream.deref()).toBeUndefined();
    expect(abortListeners(user.signal)).toBe(0);
    expect(pendingTimers()).toBeLessThanOrEqual(timersBefore);
    await agent.close();
  }, 60_000);
});

describe('what the runs leave holding the process', () => {
  it('nothing: after 200 runs at once the process could exit without agent.close()', async () => {
    const fake = fleetFake();
    // The fake served over a socket whose server side holds nothing open, so what keeps the event
    // loop alive afterwards (`process.getActiveResourcesInfo()` lists only what does) is the
    // client's: a timer, a socket of the pool kept referenced.
    const server = createServer((request, response) => {
      void answer(fake, request, response);
    });
    server.on('connection', (socket) => socket.unref());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    server.unref();
    try {
      const { port } = server.address() as AddressInfo;
      const timersBefore = pendingTimers();
      const agent = fleetAgent(
        createGemini({ baseUrl: `http://127.0.0.1:${port}`, apiKey: 'test-key' }),
      );
      const user = new AbortController();
      await Promise.all(
        Array.from({ length: 200 }, (_, index) => fleetRun(agent, index, user.signal)),
      );
      // A socket goes back to the pool (and is unreferenced there) once its response has ended,
      // a few turns of the event loop after the run read it. Counted in turns, not waited for in
      // time: the pool closes idle sockets after 4 s, which would hide one left referenced.
      for (let tick = 0; tick < 10; tick++) await new Promise((resolve) => setImmediate(resolve));
      expect(holdingSockets()).toEqual([]);
      expect(pendingTimers()).toBeLessThanOrEqual(timersBefore);
      await agent.close();
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }, 300_000);
});

/** The sockets that keep the event loop alive now (this test's server's are unreferenced). */
function holdingSockets(): string[] {
  return process.getActiveResourcesInfo().filter((resource) => resource === 'TCPSocketWrap');
}

/** Answers one HTTP request with the fake's in-process `fetch`, streamed. */
async function answer(
  fake: FakeGemini,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value === 'string') headers.set(name, value);
  }
  const answered = await fake.fetch(`http://fake${request.url}`, {
    method: request.method ?? 'POST',
    headers,
    ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
  });
  response.writeHead(answered.status, Object.fromEntries(answered.headers));
  if (answered.body === null) {
    response.end();
    return;
  }
  await pipeline(Readable.fromWeb(answered.body as never), response).catch(() => undefined);
}
