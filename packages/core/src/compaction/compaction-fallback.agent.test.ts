import { createFakeGemini, type FakeGemini, type FakeScriptFunction, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { CompactionEvent } from '../agent/agent-event.ts';
import { createAgent } from '../agent/create-agent.ts';
import { modelFallback } from '../fallback/model-fallback.ts';
import { estimateContentTokens } from '../history/estimate-tokens.ts';
import { createGemini } from '../http/create-gemini.ts';
import { createSteering } from '../steering/create-steering.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import type { GenerateContentBody } from '../wire/request.ts';
import { compaction } from './compaction.ts';

// A step whose call a plugin sends again (model fallback) is one step: the history is compacted
// once, before the plugins see it, and the second model gets the compacted history too. Against
// the fake Gemini on 127.0.0.1, whose first model is overloaded from its fourth call on.

const PRIMARY = 'gemini-3-flash-preview';
const SECOND = 'gemini-3-pro-preview';
const MAX_TOKENS = 20_000;
const PAGES = 8;
/** About 5,000 estimated tokens a page. */
const FILLER = 'lorem ipsum dolor sit amet '.repeat(740);

const fetchPage = defineTool({
  name: 'fetch_page',
  description: 'Fetches page n.',
  parameters: z.object({ n: z.number() }),
  execute: ({ n }) => ({ n, page: `FACT-${n}. ${FILLER}` }),
});

/** One page a step, the next after the highest one the request holds; then the answer. */
const reader: FakeScriptFunction = ({ body }) => {
  const called = Math.max(
    0,
    ...body.contents.flatMap((content) =>
      content.parts.map((part) => Number(part.functionCall?.args?.['n'] ?? 0)),
    ),
  );
  return called >= PAGES
    ? turn.text('All pages read.')
    : turn.call('fetch_page', { n: called + 1 });
};

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

describe('compaction in a step a model fallback sends again', () => {
  for (const streaming of [false, true]) {
    it(`sends the second model the compacted history and compacts the step once (${streaming ? 'stream' : 'run'})`, async () => {
      const fake = createFakeGemini({
        script: reader,
        seed: 7,
        faults: [
          {
            fault: { type: 'overloaded' },
            on: ({ model, callIndex }) => model === PRIMARY && callIndex >= 3,
          },
        ],
      });
      fakes.push(fake);
      const { url } = await fake.listen();
      const agent = createAgent({
        gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }),
        model: PRIMARY,
        tools: [fetchPage],
        maxSteps: 20,
        compaction: compaction({ maxTokens: MAX_TOKENS, keepRecent: 2 }),
        plugins: [modelFallback({ models: [SECOND] })],
      });
      const events: CompactionEvent[] = [];
      let result: Awaited<ReturnType<typeof agent.run>>;
      if (streaming) {
        const stream = agent.stream('Read every page.');
        for await (const event of stream) if (event.type === 'compaction') events.push(event);
        result = await stream.result;
      } else {
        result = await agent.run('Read every page.');
      }

      expect(result.text).toBe('All pages read.');
      const toSecond = fake.modelRequests.filter(
        (request) => request.model === SECOND && request.status === 200,
      );
      expect(toSecond.length).toBeGreaterThan(0);
      // Every request either model got fits the window: the second model's too.
      for (const request of fake.modelRequests.filter(({ status }) => status === 200)) {
        const { contents } = request.body as GenerateContentBody;
        expect([request.model, estimateContentTokens(contents)]).toEqual([
          request.model,
          expect.toSatisfy((tokens: number) => tokens <= MAX_TOKENS),
        ]);
      }
      // One compaction at most a step, even for the steps sent to two models.
      const reports = result.compaction?.reports ?? [];
      expect(reports.length).toBeGreaterThan(0);
      const steps = reports.map((report) => report.stepNumber);
      expect(new Set(steps).size).toBe(steps.length);
      if (streaming) expect(events.map((event) => event.stepNumber)).toEqual(steps);
    });
  }

  it('sends the second model the steer that joined at the step boundary, after earlier compaction', async () => {
    const fake = createFakeGemini({
      script: reader,
      seed: 7,
      faults: [
        {
          fault: { type: 'overloaded' },
          on: ({ model, callIndex }) => model === PRIMARY && callIndex >= 5,
        },
      ],
    });
    fakes.push(fake);
    const { url } = await fake.listen();
    const steering = createSteering();
    // Page 5 is fetched by the step before the one that fails over: its steer joins at that boundary.
    const steeringPage = defineTool({
      name: 'fetch_page',
      description: 'Fetches page n.',
      parameters: z.object({ n: z.number() }),
      execute: ({ n }) => {
        if (n === 5) steering.steer('STEER-MARK: keep the page numbers.');
        return { n, page: `FACT-${n}. ${FILLER}` };
      },
    });
    const agent = createAgent({
      gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }),
      model: PRIMARY,
      tools: [steeringPage],
      maxSteps: 20,
      compaction: compaction({ maxTokens: MAX_TOKENS, keepRecent: 2 }),
      plugins: [modelFallback({ models: [SECOND] })],
    });
    const result = await agent.run('Read every page.', { steering });

    expect(result.text).toBe('All pages read.');
    expect((result.compaction?.reports ?? []).length).toBeGreaterThan(0);
    const first = fake.modelRequests.find(
      (request) => request.model === SECOND && request.status === 200,
    );
    expect(first).toBeDefined();
    expect(JSON.stringify((first?.body as GenerateContentBody | undefined)?.contents)).toContain(
      'STEER-MARK',
    );
    expect(result.steering?.map(({ status }) => status)).toContain('applied');
  });
});
