import {
  type CreateFakeGeminiOptions,
  createFakeGemini,
  type FakeGemini,
  turn,
} from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAgent } from '../agent/create-agent.ts';
import { ContextWindowError } from '../agent/errors/context-window-error.ts';
import { createChatSession } from '../chat/create-chat-session.ts';
import { estimateContentTokens } from '../history/estimate-tokens.ts';
import { createGemini } from '../http/create-gemini.ts';
import { createSteering } from '../steering/create-steering.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import type { Content } from '../wire/content.ts';
import type { GenerateContentBody } from '../wire/request.ts';
import { type ArtifactStore, createMemoryArtifactStore } from './artifact-store.ts';
import { CLEARED_RESULT_KEY } from './clear-tool-results.ts';
import { compaction } from './compaction.ts';

// A request never passes the model's window: compaction cuts what it may (the recent turns'
// results, then the current step's into the artifact store), and when nothing fits, the step
// fails with a ContextWindowError before anything is sent. Against the fake Gemini with
// strictHistory, so every cut history is one the API's rules accept.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

/** The window of these tests (the model's real one is far larger: compaction.contextWindow). */
const WINDOW = 8_000;
/** About 2,750 tokens of page (gemloop's estimate: a token per four characters). */
const PAGE_CHARS = 11_000;

/** The page tool; `onFetch` runs as it fetches page n. */
const pageTool = (onFetch?: (n: number) => void) =>
  defineTool({
    name: 'fetch_page',
    description: 'Fetches page n.',
    parameters: z.object({ n: z.number() }),
    execute: ({ n }) => {
      onFetch?.(n);
      return { page: `PAGE-${n} ${'x'.repeat(PAGE_CHARS)}` };
    },
  });
const fetchPage = pageTool();

function serve(script: CreateFakeGeminiOptions['script']) {
  const fake = createFakeGemini({ script, strictHistory: true });
  fakes.push(fake);
  return { fake, gemini: createGemini({ fetch: fake.fetch, apiKey: 'test-key', retry: false }) };
}

const sent = (fake: FakeGemini, index: number): Content[] =>
  ((fake.modelRequests[index]?.body as GenerateContentBody | undefined)?.contents ??
    []) as Content[];

const responses = (content: Content | undefined) =>
  (content?.parts ?? []).flatMap((part) =>
    part.functionResponse === undefined ? [] : [part.functionResponse],
  );

const isCleared = (response: { response: Record<string, unknown> }): boolean =>
  CLEARED_RESULT_KEY in response.response;

const sixPages = turn.calls(
  Array.from({ length: 6 }, (_, index) => ({ name: 'fetch_page', args: { n: index + 1 } })),
);

describe('a request over the model window', () => {
  it('stores the results of one wide step as artifacts until the request fits, and goes on', async () => {
    const memory = createMemoryArtifactStore();
    const puts: string[] = [];
    const artifacts: ArtifactStore = {
      put: (id, text) => {
        puts.push(id);
        return memory.put(id, text);
      },
      get: (id) => memory.get(id),
    };
    const { fake, gemini } = serve([sixPages, turn.text('Read them.')]);
    const agent = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [fetchPage],
      compaction: compaction({ contextWindow: WINDOW, artifacts }),
    });
    const result = await agent.run('Read pages 1 to 6.');
    expect(result.text).toBe('Read them.');
    const second = sent(fake, 1);
    expect(estimateContentTokens(second)).toBeLessThanOrEqual(WINDOW);
    // The current step's results: the fewest stored to fit, each naming its artifact.
    const current = responses(second.at(-1));
    expect(current).toHaveLength(6);
    const stored = current.filter(isCleared);
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.length).toBeLessThan(6);
    for (const response of stored) {
      const placeholder = String(response.response[CLEARED_RESULT_KEY]);
      const id = /read_tool_output with id "([^"]+)"/.exec(placeholder)?.[1];
      expect(id).toBeDefined();
      expect(await artifacts.get(id as string)).toContain(`PAGE-`);
    }
    // Each stored once; the whole history stays in the result; the report counts the cut.
    expect(puts).toHaveLength(stored.length);
    expect(responses(result.contents[2]).filter(isCleared)).toEqual([]);
    expect(result.compaction?.reports[0]?.clearedToolResults).toBe(stored.length);
  });

  it("stores the step's results, not a 'call it again' placeholder, when a steer follows them", async () => {
    const artifacts = createMemoryArtifactStore();
    const steering = createSteering();
    const { fake, gemini } = serve([sixPages, turn.text('Briefly: read.')]);
    const agent = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [pageTool((n) => (n === 1 ? steering.steer('Be brief.') : undefined))],
      compaction: compaction({ contextWindow: WINDOW, artifacts }),
    });
    const result = await agent.run('Read pages 1 to 6.', { steering });
    expect(result.text).toBe('Briefly: read.');
    const second = sent(fake, 1);
    expect(estimateContentTokens(second)).toBeLessThanOrEqual(WINDOW);
    expect(second.at(-1)?.parts).toEqual([{ text: 'Be brief.' }]);
    // Only as many as the request needs, as without the steer.
    const stored = responses(second.at(-2)).filter(isCleared);
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.length).toBeLessThan(6);
    for (const response of stored) {
      expect(String(response.response[CLEARED_RESULT_KEY])).toMatch(/read_tool_output with id/);
    }
  });

  it('fails a wide step with no artifact store before sending it, naming the window and the fix', async () => {
    const { fake, gemini } = serve([sixPages, turn.text('never')]);
    const agent = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [fetchPage],
      compaction: compaction({ contextWindow: WINDOW }),
    });
    const error = await agent.run('Read pages 1 to 6.').catch((thrown: unknown) => thrown);
    expect(ContextWindowError.isInstance(error)).toBe(true);
    const failure = error as ContextWindowError;
    expect(fake.modelRequests).toHaveLength(1);
    expect(failure).toMatchObject({
      window: WINDOW,
      stepNumber: 2,
      model: 'gemini-3-flash-preview',
    });
    expect(failure.estimatedTokens).toBeGreaterThan(WINDOW);
    expect(failure.uncut.join('\n')).toMatch(/results of fetch_page/);
    expect(failure.uncut.join('\n')).toMatch(/no compaction\.artifacts store/);
    expect(failure.message).toMatch(/8000-token input window of gemini-3-flash-preview/);
    expect(failure.message).toMatch(/toolOutput\(\{ maxTokens \}\)/);
    // The history so far is whole and consistent: a next run can continue from it.
    expect(responses(failure.run.contents.at(-1))).toHaveLength(6);
  });

  it('clears the results of the keepRecent tail, oldest steps first, keeping the current one whole', async () => {
    const { fake, gemini } = serve([
      turn.call('fetch_page', { n: 1 }),
      turn.call('fetch_page', { n: 2 }),
      turn.call('fetch_page', { n: 3 }),
      turn.text('Done.'),
    ]);
    const agent = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      tools: [fetchPage],
      // Every content is in the tail: compaction's own clearing leaves them all.
      compaction: compaction({ contextWindow: WINDOW, keepRecent: 50 }),
    });
    const result = await agent.run('Read pages 1 to 3.');
    expect(result.text).toBe('Done.');
    const last = sent(fake, 3);
    expect(estimateContentTokens(last)).toBeLessThanOrEqual(WINDOW);
    const results = last.flatMap((content) => responses(content));
    expect(results.map(isCleared)).toEqual([true, true, false]);
    expect(JSON.stringify(results[2]?.response)).toContain('PAGE-3');
  });

  it('fails before the first request when the input alone passes the window, in run and stream', async () => {
    const { fake, gemini } = serve([turn.text('never')]);
    const agent = createAgent({
      gemini,
      model: 'gemini-3-flash-preview',
      compaction: compaction({ contextWindow: WINDOW }),
    });
    const input = `Summarize: ${'y'.repeat(WINDOW * 5)}`;
    const ran = await agent.run(input).catch((thrown: unknown) => thrown);
    const stream = agent.stream(input);
    const streamed = await stream.result.catch((thrown: unknown) => thrown);
    for (const error of [ran, streamed]) {
      expect(ContextWindowError.isInstance(error)).toBe(true);
      expect((error as ContextWindowError).uncut[0]).toMatch(/^content 0 of 1 \(user: text\)/);
      expect((error as ContextWindowError).stepNumber).toBe(1);
    }
    expect(fake.modelRequests).toHaveLength(0);
  });

  it('fails a chat send the same way, and saves nothing', async () => {
    const { fake, gemini } = serve([turn.text('never')]);
    const chat = createChatSession({
      agent: createAgent({
        gemini,
        model: 'gemini-3-flash-preview',
        compaction: compaction({ contextWindow: WINDOW }),
      }),
    });
    const error = await chat.send('y'.repeat(WINDOW * 5)).catch((thrown: unknown) => thrown);
    expect(ContextWindowError.isInstance(error)).toBe(true);
    expect(fake.modelRequests).toHaveLength(0);
    expect(await chat.history()).toEqual([]);
  });
});
