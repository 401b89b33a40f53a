// What a Node version runs beyond the portable suite (node-entry.cjs starts it after the
// CommonJS consumer): both transports named, and a Live session on Node's half, its socket's
// frame bound included. Loaded by Node itself with its type stripping (22.18+, 24), from the
// built packages (no source condition): what an app installed from npm runs.

import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { createLiveSession } from '@gemloop/core/live';
import { z } from 'zod';
import { type PortableSuiteReport, runPortableSuite, SUITE_MODEL } from './portable-suite.ts';

/** Where the servers the Node side started are. */
export type NodeChecksInput = {
  /** The fake Gemini (test/runtimes/support/start-fake.ts). */
  fakeUrl: string;
  /** Fake Live servers: one text turn; a 48 MiB frame then a text turn; a 5,000-byte frame. */
  live: { turn: string; hugeFrame: string; overLimit: string };
};

/** One named transport's unary and streamed runs. */
export type TransportReport = { unary: string; streamed: string; deltas: number };

/** What the Node version saw, as JSON. */
export type NodeChecksReport = {
  runtime: {
    version: string;
    /** Node 22+ has a global WebSocket (undici's bundled one); gemloop's Live uses npm undici's. */
    globalWebSocket: boolean;
  };
  suite: PortableSuiteReport;
  transports: { fetch: TransportReport; node: TransportReport };
  live: {
    turn: { texts: string[]; end: string };
    /** The 48 MiB frame on a session whose maxFrameBytes is 1 MiB. */
    hugeFrame: {
      arrayBuffersGrowthMiB: number;
      eventTypes: string[];
      error: string | undefined;
      reason: unknown;
      limit: unknown;
    };
    /** The 5,000-byte frame on a session whose maxFrameBytes is 1,000: refused by name. */
    overLimit: { reason: unknown; limit: unknown };
  };
};

const MIB = 1024 * 1024;

/** Runs every check against the servers in `input`. Never throws for an expected failure. */
export async function runNodeChecks(input: NodeChecksInput): Promise<NodeChecksReport> {
  const suite = await runPortableSuite(input.fakeUrl);
  const transports = {
    fetch: await runTransport(input.fakeUrl, 'fetch'),
    node: await runTransport(input.fakeUrl, 'node'),
  };
  const live = {
    turn: await liveTurn(input.live.turn),
    hugeFrame: await liveHugeFrame(input.live.hugeFrame),
    overLimit: await liveOverLimit(input.live.overLimit),
  };
  return {
    runtime: {
      version: process.version,
      globalWebSocket: typeof globalThis.WebSocket === 'function',
    },
    suite,
    transports,
    live,
  };
}

/** A weather run, unary then streamed, through the named transport; the prompts name it. */
async function runTransport(
  baseUrl: string,
  transport: 'fetch' | 'node',
): Promise<TransportReport> {
  const agent = createAgent({
    gemini: createGemini({ baseUrl, apiKey: 'test-key', retry: false, transport }),
    model: SUITE_MODEL,
    tools: [
      defineTool({
        name: 'get_weather',
        description: 'Current weather for a city.',
        parameters: z.object({ city: z.string() }),
        execute: async ({ city }) => ({ city, temperatureC: 7 }),
      }),
    ],
  });
  const unary = await agent.run(`transport ${transport} unary`);
  const stream = agent.stream(`transport ${transport} streamed`);
  let deltas = 0;
  for await (const event of stream) if (event.type === 'text-delta') deltas += 1;
  return { unary: unary.text, streamed: (await stream.result).text, deltas };
}

/** An agent whose client points at a fake Live server. */
const liveAgent = (url: string) =>
  createAgent({
    gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }),
    model: 'gemini-live-test',
  });

async function liveTurn(url: string): Promise<NodeChecksReport['live']['turn']> {
  const session = await createLiveSession(liveAgent(url));
  try {
    session.sendText('Hello');
    const texts: string[] = [];
    for await (const event of session) {
      if (event.type === 'text-delta') texts.push(event.text);
      if (event.type === 'turn-end') return { texts, end: event.type };
    }
    return { texts, end: 'session ended' };
  } finally {
    await session.close();
  }
}

/**
 * leftovers33's frame bound, on this Node: npm undici's WebSocket with a dispatcher bounding a
 * message refuses the frame at its header, and the session ends with `frame-too-large` (live1009). Memory (`arrayBuffers`, where undici keeps a message's
 * chunks) is sampled every 2 ms while the session reads; Node's global WebSocket would buffer all
 * 48 MiB first.
 */
async function liveHugeFrame(url: string): Promise<NodeChecksReport['live']['hugeFrame']> {
  const session = await createLiveSession(liveAgent(url), { maxFrameBytes: MIB });
  const before = process.memoryUsage().arrayBuffers;
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().arrayBuffers);
  }, 2);
  const eventTypes: string[] = [];
  let error: string | undefined;
  let typed: { reason?: unknown; limit?: unknown } = {};
  try {
    session.sendText('send the big one');
    for await (const event of session) {
      eventTypes.push(event.type);
      if (event.type === 'reconnect') break;
    }
  } catch (thrown) {
    error = String(thrown);
    typed = (thrown ?? {}) as typeof typed;
  } finally {
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    await session.close();
  }
  return {
    arrayBuffersGrowthMiB: (peak - before) / MIB,
    eventTypes,
    error,
    reason: typed.reason,
    limit: typed.limit,
  };
}

async function liveOverLimit(url: string): Promise<NodeChecksReport['live']['overLimit']> {
  const session = await createLiveSession(liveAgent(url), { maxFrameBytes: 1000 });
  session.sendText('hi');
  const error = (await session.closed.catch((thrown: unknown) => thrown)) as
    | { reason?: unknown; limit?: unknown }
    | undefined;
  return { reason: error?.reason, limit: error?.limit };
}
