import { createFakeGemini, type FakeGemini, type FakeTurn, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ChatBudgetExceededError } from '../chat/chat-budget-exceeded-error.ts';
import { createChatSession } from '../chat/create-chat-session.ts';
import { subagent } from '../composition/subagent.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { createAgent } from './create-agent.ts';
import { TreeBudgetError } from './errors/tree-budget-error.ts';
import { totalTokensExceed } from './stop-conditions.ts';

// A gateway that strips usageMetadata, or sends negative counts (read as missing at the wire),
// must not turn every token budget off: the run counts what it can (the reported counts, and an
// estimate of what was sent and received) and stops.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

const model = 'gemini-2.5-flash';

/** About 2,500 estimated tokens a result: each step's request grows by one. */
const page = defineTool({
  name: 'read_page',
  description: 'Reads the next page.',
  parameters: z.object({}),
  execute: () => ({ page: 'lorem ipsum '.repeat(830) }),
});

/** A response calling read_page without any usageMetadata. */
const callWithoutUsage: FakeTurn = turn.raw({
  candidates: [
    {
      content: { role: 'model', parts: [{ functionCall: { name: 'read_page', args: {} } }] },
      finishReason: 'STOP',
    },
  ],
});

/** A response calling read_page whose counts are all negative. */
const callWithNegativeUsage: FakeTurn = turn.call(
  'read_page',
  {},
  {
    usage: {
      promptTokenCount: -50_000,
      candidatesTokenCount: -10,
      totalTokenCount: -50_010,
    },
  },
);

const variants = [
  ['omits usageMetadata', callWithoutUsage],
  ['reports negative counts', callWithNegativeUsage],
] as const;

async function serve(reply: FakeTurn) {
  const fake = createFakeGemini({ script: () => reply });
  fakes.push(fake);
  const { url } = await fake.listen();
  return { fake, gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }) };
}

describe('token and cost budgets on a server that reports no usable usage', () => {
  for (const [name, reply] of variants) {
    it(`a run's budget.maxTokens stops the run when the server ${name} (unary and streamed)`, async () => {
      for (const streaming of [false, true]) {
        const { fake, gemini } = await serve(reply);
        const agent = createAgent({ gemini, model, tools: [page], maxSteps: 50 });
        const options = { budget: { maxTokens: 10_000 } };
        const error = await (streaming
          ? agent.stream('Read every page.', options).result
          : agent.run('Read every page.', options)
        ).then(
          () => undefined,
          (thrown: unknown) => thrown,
        );
        expect(TreeBudgetError.isInstance(error)).toBe(true);
        expect(error).toMatchObject({ limit: 'tokens', max: 10_000 });
        const { run } = error as TreeBudgetError;
        // Each step counted an estimate (prompt and answer), marked as one; the run stopped early.
        expect(run.steps.every((step) => step.usageEstimated === true)).toBe(true);
        expect(run.steps.every((step) => step.usage.totalTokenCount > 0)).toBe(true);
        expect(run.usage.totalTokenCount).toBeGreaterThanOrEqual(10_000);
        expect(fake.modelRequests.length).toBeLessThan(10);
        // What the server did report is never replaced by the estimate.
        if (reply === callWithNegativeUsage) {
          expect(run.steps.every((step) => step.usage.promptTokenCount > 0)).toBe(true);
        }
      }
    });

    it(`totalTokensExceed stops the run when the server ${name}`, async () => {
      const { fake, gemini } = await serve(reply);
      const agent = createAgent({
        gemini,
        model,
        tools: [page],
        maxSteps: 50,
        stopWhen: totalTokensExceed(10_000),
      });
      const result = await agent.run('Read every page.');
      expect(result.finishReason).toBe('stop-condition');
      expect(fake.modelRequests.length).toBeLessThan(10);
    });

    it(`a chat's maxCostUsd stops the session when the server ${name}`, async () => {
      const { fake, gemini } = await serve(reply);
      // gemini-2.5-flash input is $0.30 a million tokens: each step's estimate costs ~$0.001+.
      const chat = createChatSession({
        agent: createAgent({ gemini, model, tools: [page], maxSteps: 50 }),
        budget: { maxCostUsd: 0.005 },
      });
      const first = await chat.send('Read every page.');
      expect(first.finishReason).toBe('stop-condition');
      expect(Number(chat.cost.total)).toBeGreaterThan(0.005);
      const requests = fake.modelRequests.length;
      expect(requests).toBeLessThan(15);
      await expect(chat.send('More.')).rejects.toBeInstanceOf(ChatBudgetExceededError);
      expect(fake.modelRequests).toHaveLength(requests);
    });

    it(`a tree budget stops a subagent when the server ${name}`, async () => {
      const { fake, gemini } = await serve(reply);
      const child = createAgent({ gemini, model, tools: [page], maxSteps: 50 });
      // The parent's own calls answer from a scripted fake that reports usage.
      const parentFake = createFakeGemini({
        script: (request) =>
          request.body.contents.some((content) =>
            content.parts.some((part) => part.functionResponse !== undefined),
          )
            ? turn.text('done')
            : turn.call('reader', { task: 'read every page' }),
      });
      fakes.push(parentFake);
      const parent = createAgent({
        gemini: createGemini({
          baseUrl: (await parentFake.listen()).url,
          apiKey: 'test-key',
          retry: false,
        }),
        model,
        tools: [subagent(child, { name: 'reader', description: 'Reads pages.' })],
        toolErrors: 'throw',
      });
      const error = await parent.run('Read.', { budget: { maxTokens: 10_000 } }).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(TreeBudgetError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ limit: 'tokens', path: ['reader#1'] });
      expect(fake.modelRequests.length).toBeLessThan(10);
    });
  }
});
