import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { readFunctionCall, readFunctionResponse } from '../history/part-fields.ts';
import { validateHistory } from '../history/validate-history.ts';
import { createGemini } from '../http/create-gemini.ts';
import type { AgentResult } from '../run/agent-result.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import type { Content } from '../wire/content.ts';
import { createAgent } from './create-agent.ts';
import { AgentAbortedError } from './errors/agent-aborted-error.ts';

// Attacks on agent.stream: aborting at every single event of a run, reading one stream twice,
// leaving without reading. Vitest fails the file on any unhandled rejection.

const lookup = defineTool({
  name: 'lookup',
  parameters: z.object({ id: z.number() }),
  execute: async ({ id }, { signal }) => {
    await new Promise((resolve) => setTimeout(resolve, 2));
    signal.throwIfAborted();
    return { id, found: true };
  },
});

function makeAgent() {
  const fake = createFakeGemini({
    script: [
      turn.calls([
        { name: 'lookup', args: { id: 1 } },
        { name: 'lookup', args: { id: 2 } },
      ]),
      turn.call('lookup', { id: 3 }),
      turn.text('All three were found, and here is a long enough answer to stream in chunks.'),
    ],
    chunkSize: 9,
  });
  const gemini = createGemini({ apiKey: 'test-key', fetch: fake.fetch, retry: false });
  return createAgent({ gemini, model: 'gemini-3-flash-preview', tools: [lookup] });
}

/** Every call in the history has its response right after it. */
function everyCallAnswered(contents: readonly Content[]): boolean {
  for (let index = 0; index < contents.length; index++) {
    const calls = (contents[index] as Content).parts.filter((part) => readFunctionCall(part));
    if (calls.length === 0) continue;
    const next = contents[index + 1];
    if (next === undefined) return false;
    const responses = next.parts.filter((part) => readFunctionResponse(part));
    if (responses.length !== calls.length) return false;
  }
  return true;
}

describe('agent.stream aborted at every event', async () => {
  const events: string[] = [];
  for await (const event of makeAgent().stream('Find 1, 2 and 3.')) events.push(event.type);

  it('has a run long enough to be worth cutting everywhere', () => {
    expect(events.filter((type) => type === 'tool-result')).toHaveLength(3);
    expect(events.filter((type) => type === 'text-delta').length).toBeGreaterThan(3);
  });

  for (let cut = 0; cut < events.length; cut++) {
    it(`leaves a valid history when aborted at event ${cut} (${events[cut]})`, async () => {
      const stream = makeAgent().stream('Find 1, 2 and 3.');
      let seen = 0;
      try {
        for await (const _ of stream) {
          if (seen++ === cut) stream.abort(new Error('user pressed stop'));
        }
      } catch (error) {
        // The loop ends with the run's failure; `result` rejects with the same error.
        expect(error).toBe(await stream.result.catch((failure: unknown) => failure));
      }
      let contents: readonly Content[];
      try {
        const result: AgentResult<undefined> = await stream.result;
        // Aborting at the last event (run-end) is too late to stop anything.
        contents = result.contents;
      } catch (error) {
        expect(AgentAbortedError.isInstance(error)).toBe(true);
        contents = (error as AgentAbortedError).run.contents;
      }
      expect(validateHistory(contents)).toEqual([]);
      expect(everyCallAnswered(contents)).toBe(true);
      expect(contents[0]).toEqual({ role: 'user', parts: [{ text: 'Find 1, 2 and 3.' }] });
    });
  }
});

describe('agent.stream misuse', () => {
  it('refuses a second loop over the same stream instead of splitting the events', async () => {
    const stream = makeAgent().stream('Find 1, 2 and 3.');
    const first = stream[Symbol.asyncIterator]();
    expect(() => stream[Symbol.asyncIterator]()).toThrow(InvalidArgumentError);
    expect(() => stream.toReadableStream()).toThrow(/already being read/);
    let count = 0;
    for (let next = await first.next(); next.done !== true; next = await first.next()) count++;
    expect(count).toBeGreaterThan(5);
    await expect(stream.result).resolves.toMatchObject({ finishReason: 'stop' });
  });

  it('refuses to replay a stream that was read to the end', async () => {
    const stream = makeAgent().stream('Find 1, 2 and 3.');
    for await (const _ of stream) {
      // read all
    }
    expect(() => stream[Symbol.asyncIterator]()).toThrow(InvalidArgumentError);
  });

  it('runs to the end with nobody reading the events or awaiting the result', async () => {
    const stream = makeAgent().stream('Find 1, 2 and 3.');
    await new Promise((resolve) => setTimeout(resolve, 200));
    await expect(stream.result).resolves.toMatchObject({ finishReason: 'stop' });
  });

  it('raises no unhandled rejection for a failing run nobody reads', async () => {
    const fake = createFakeGemini({ script: [] });
    const gemini = createGemini({ apiKey: 'test-key', fetch: fake.fetch, retry: false });
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });
    agent.stream('Hello.');
    const broken = agent.stream('Hello.');
    for await (const _ of broken) break;
    // Until a run has asked the model (its failure follows), by the project's poll hang guard: a
    // real 50 ms hold can be shorter than a cold request path at load 20 (the count reads 0).
    await expect.poll(() => fake.modelRequests.length).toBeGreaterThanOrEqual(1);
  });
});
