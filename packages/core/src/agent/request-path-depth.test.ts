import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createFakeGemini, turn } from '@gemloop/testing';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGemini } from '../http/create-gemini.ts';
import type { Agent } from './create-agent.ts';
import { createAgent } from './create-agent.ts';

/**
 * Issue 53 item 8, "the request path reads on a screen": how many of gemloop's calls lie between
 * `agent.run()` (or `agent.stream()`) and the transport's `send`, counted on an Error stack taken
 * where the request leaves (the test's `fetch` for `transport: 'fetch'`, undici's
 * `undici:request:create` diagnostics channel for the default node transport), once the lazily
 * loaded request path is in (a second run). Both ends are counted.
 *
 * The goal is 8. Measured 2026-11-25 (helper seam-loop): 23 for a unary run on both transports,
 * 24 for a streamed one; each wrapper that only forwards is a frame. Then (helper request-path):
 * 15 and 19, the forwarders outside agent/loop flattened (the facade's turns.run/turns.stream and
 * startRun, the client's model-call entry and withRequestPath's closure, the retry wrapper and its
 * closure, sendRequest). Of the 15, 8 are agent/loop's own (runLoop to callModel); the rest each
 * do a step's work: the facade's run, continuation, the entry, requestJson, sendWithRetry,
 * runAttempt, the transport. These ceilings only go down: lower them when a change flattens the
 * path, never raise them. 14 for a unary run once loop-split's `runSteps` called `runModelSteps`
 * directly for a run without plugins (ninth session). 12 and 17 once the prompt cache became a
 * plugin (helper cache-budget-plugin): `callModelStep` calls `callModel` itself, without the
 * cache's `send` and the closure it took. 16 for a streamed run once continuation became a default
 * plugin (helper continuation-plugin): the loop's callModel calls the plugin's stream itself (no
 * streamModel frame); the plugin's first hop is read in continueStream, as before. 8 and 11 (helper
 * perf-path): runLoop sets the run up with a function that returns (startRun) and calls the steps
 * itself, a stream's late plugins end a failed run from a rejection handler (no withLatePlugins
 * and body frames), an unobserved step calls the model-call wrapper itself (no callModel frame),
 * generateContent calls sendWithRetry and ends the attempt itself (no requestJson frame), and the
 * first attempt is sendWithRetry's own body (no runAttempt frame). A unary run's 8: the facade's
 * run, runLoop, runModelSteps, callModelStep, continuation, the entry, sendWithRetry, the
 * transport. A stream's 3 more were the facade's stream and its start closure, createAgentStream,
 * and the stream iterator's first pull (ChunksOfBatches.next, openChunkBatches) in place of the
 * entry. 8 for a stream too (helper stream-path): the facade's stream opens the stream's queue
 * (openAgentStream) and starts the loop itself, attaching the run's promise after (no
 * createAgentStream and start frames), and the iterator's first pull sends the request itself
 * (sendWithRetry bound as the batches' opener; the batches' generator starts on its promise). A
 * stream's 8: the facade's stream, runLoop, runModelSteps, callModelStep, continuation,
 * ChunksOfBatches.next (the first pull, in place of the entry), sendWithRetry, the transport.
 * Back to 9 for a stream (2026-11-26, lead): the first pull sending the request itself cost +13 µs
 * of client CPU a streamed step (ABBA against the 8-call build, pairs −11, −17, −13, A/A ±4.0; the
 * stream-path merge bisected at +10), so the batches' generator opens the stream again
 * (openChunkBatches: one frame between ChunksOfBatches.next and sendWithRetry). Why the bound
 * opener costs that much is not known yet; the facade's own flattening stays.
 * 8 for a stream again (2026-11-26, helper stream-path8): the cost was not the frame but the
 * object the first pull sent, `{ ...options, method, httpMethod, isRetryable }`: on Node 20 a
 * spread plus added fields gives each stream's object a map of its own once warm, so every load
 * of it in sendWithRetry missed V8's caches (IC misses and map building, +29.9k instructions a
 * step). Written as one literal with every field, and the opener called with its two arguments
 * rather than bound (binding an async function is V8's slow path), the 8-call stream counts no
 * more instructions a step than the 9-call build (bench/RESULTS.md, "The stream's request path at
 * 8 calls, counted").
 */
const UNARY_CEILING = 8;
const STREAM_CEILING = 8;

const fake = createFakeGemini({ script: () => turn.text('Hello.') });
afterAll(() => fake.close());

let stackLimit: number;
beforeEach(() => {
  stackLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 200;
});
afterEach(() => {
  Error.stackTraceLimit = stackLimit;
});

const CORE = /[\\/]packages[\\/]core[\\/]src[\\/]/;
const SEND = /[\\/]http[\\/]transport[\\/]create-(fetch|node)-transport\.ts:/;

/** gemloop's frames from the transport's `send` up to the public `run`/`stream`, both counted. */
function requestPath(stack: string): string[] {
  const frames = stack.split('\n').filter((line) => line.trimStart().startsWith('at '));
  const send = frames.findIndex((frame) => SEND.test(frame));
  if (send === -1) throw new Error(`no transport send frame in the stack:\n${stack}`);
  const path: string[] = [];
  for (const frame of frames.slice(send)) {
    // Past gemloop's frames once the caller (this test) is reached.
    if (frame.includes('request-path-depth.test.ts')) break;
    if (CORE.test(frame))
      path.push(frame.trim().replace(/\/.*[\\/]packages[\\/]core[\\/]src[\\/]/, ''));
  }
  return path;
}

async function measure(
  agent: Agent<string>,
  streamed: boolean,
  taken: () => string,
): Promise<string[]> {
  await agent.run('Warm the request path up.');
  if (!streamed) {
    await agent.run('Hi.');
    return requestPath(taken());
  }
  const stream = agent.stream('Hi.');
  for await (const _event of stream) {
    // Drained: the request left when the stream started.
  }
  return requestPath(taken());
}

describe('the request path from agent.run() to the transport', () => {
  for (const streamed of [false, true]) {
    const ceiling = streamed ? STREAM_CEILING : UNARY_CEILING;
    const way = streamed ? 'agent.stream()' : 'agent.run()';

    it(`${way} reaches fetch's send in at most ${ceiling} calls (transport: 'fetch')`, async () => {
      let stack = '';
      const gemini = createGemini({
        apiKey: 'test-key',
        transport: 'fetch',
        fetch: (url, init) => {
          stack = new Error('the request leaves').stack ?? '';
          return fake.fetch(url, init);
        },
      });
      const path = await measure(
        createAgent({ gemini, model: 'gemini-2.5-flash' }),
        streamed,
        () => stack,
      );
      expect(path[0]).toMatch(/create-fetch-transport\.ts/);
      expect(path.at(-1)).toMatch(/create-agent\.ts/);
      expect(path.length, path.join('\n')).toBeLessThanOrEqual(ceiling);
    });

    it(`${way} reaches undici's request in at most ${ceiling} calls (the node transport)`, async () => {
      const { url } = await fake.listen();
      let stack = '';
      const onCreate = (): void => {
        stack = new Error('the request leaves').stack ?? '';
      };
      subscribe('undici:request:create', onCreate);
      try {
        const gemini = createGemini({ apiKey: 'test-key', baseUrl: url });
        const path = await measure(
          createAgent({ gemini, model: 'gemini-2.5-flash' }),
          streamed,
          () => stack,
        );
        expect(path[0]).toMatch(/create-node-transport\.ts/);
        expect(path.at(-1)).toMatch(/create-agent\.ts/);
        expect(path.length, path.join('\n')).toBeLessThanOrEqual(ceiling);
      } finally {
        unsubscribe('undici:request:create', onCreate);
      }
    });
  }
});
