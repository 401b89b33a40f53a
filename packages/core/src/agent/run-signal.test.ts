import { getEventListeners } from 'node:events';
import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { createAgent } from './create-agent.ts';
import { AgentAbortedError } from './errors/agent-aborted-error.ts';

// A run's own signal keeps its one abort listener from the first wait on it to the end of the run
// (http/on-abort.ts, holdAbortListener): every step's model call waits on it and stops waiting.
// These runs wait on it four times before the abort, over HTTP, so a listener lost or left
// half-released between waits would show as a model call the abort does not reach.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks an id up.',
  parameters: z.object({ id: z.number() }),
  execute: ({ id }) => ({ found: id }),
});

describe("a run's signal across steps", () => {
  for (const streaming of [false, true]) {
    it(`aborts the model call of a later step, after earlier steps waited on it (${streaming ? 'stream' : 'run'})`, async () => {
      const fake = createFakeGemini({
        script: [
          turn.call('lookup', { id: 1 }),
          turn.call('lookup', { id: 2 }),
          turn.call('lookup', { id: 3 }),
          turn.text('Found all three.'),
        ],
        // The fourth model call (index 3) is answered only after 30 s: the abort must end it.
        faults: [{ fault: { type: 'latency', ms: 30_000 }, on: 3 }],
        ...(streaming ? { chunkSize: 5 } : {}),
      });
      fakes.push(fake);
      const { url } = await fake.listen();
      // What happened, in order: the abort, the fourth request's own signal firing (the abort
      // reached the model call in flight), the run settling; 'answered' would mean the fake's
      // delayed answer arrived first, i.e. the abort did not end the call.
      const events: string[] = [];
      let sent = 0;
      const recordingFetch: typeof fetch = async (input, init) => {
        sent++;
        if (sent === 4) {
          init?.signal?.addEventListener('abort', () => events.push('request aborted'));
          const response = await fetch(input, init);
          events.push('answered');
          return response;
        }
        return fetch(input, init);
      };
      const gemini = createGemini({
        baseUrl: url,
        apiKey: 'test-key',
        retry: false,
        fetch: recordingFetch,
      });
      const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [lookup] });
      const user = new AbortController();
      user.signal.addEventListener('abort', () => events.push('user abort'), { once: true });
      // Aborts once the fourth request has reached the server.
      const poll = setInterval(() => {
        if (fake.requests.length === 4) user.abort(new Error('user pressed stop'));
      }, 5);
      let error: unknown;
      try {
        if (streaming) {
          const stream = agent.stream('Look up 1, 2 and 3.', { signal: user.signal });
          error = await (async () => {
            for await (const _event of stream) {
              // Every event read: the consumer is part of the run as a user's is.
            }
          })().catch((caught: unknown) => caught);
          await expect(stream.result).rejects.toBe(error);
        } else {
          error = await agent
            .run('Look up 1, 2 and 3.', { signal: user.signal })
            .catch((caught: unknown) => caught);
        }
        events.push('settled');
      } finally {
        clearInterval(poll);
      }

      expect(AgentAbortedError.isInstance(error)).toBe(true);
      const aborted = error as AgentAbortedError;
      expect(aborted.phase).toBe('model-call');
      expect((aborted.cause as Error).message).toBe('user pressed stop');
      expect(aborted.run.steps).toHaveLength(3);
      // Ordering, not timing: the abort ended the fourth call before its answer came.
      expect(events).toEqual(['user abort', 'request aborted', 'settled']);
      // The user's signal is the caller's: nothing of the run is left listening on it.
      expect(getEventListeners(user.signal, 'abort')).toHaveLength(0);
    });
  }

  it("leaves no listener on the caller's signal after runs that ended normally", async () => {
    const fake = createFakeGemini({
      script: [turn.call('lookup', { id: 1 }), turn.text('Found it.')],
    });
    fakes.push(fake);
    const { url } = await fake.listen();
    const gemini = createGemini({ baseUrl: url, apiKey: 'test-key', retry: false });
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash', tools: [lookup] });
    const shutdown = new AbortController();
    const result = await agent.run('Look up 1.', { signal: shutdown.signal });
    expect(result.text).toBe('Found it.');
    fake.reset();
    const stream = agent.stream('Look up 1.', { signal: shutdown.signal });
    for await (const _event of stream) {
      // Read to the end.
    }
    expect((await stream.result).text).toBe('Found it.');
    expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(0);
  });
});
