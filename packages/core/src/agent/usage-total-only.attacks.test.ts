import { createFakeGemini, type FakeGemini, type FakeTurn, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ChatBudgetExceededError } from '../chat/chat-budget-exceeded-error.ts';
import { createChatSession } from '../chat/create-chat-session.ts';
import { createGemini } from '../http/create-gemini.ts';
import { defineTool } from '../tools/define/define-tool.ts';
import { costAbove } from './cost-above.ts';
import { createAgent } from './create-agent.ts';
import { TreeBudgetError } from './errors/tree-budget-error.ts';
import { totalTokensExceed } from './stop-conditions.ts';

// attack62e: a gateway that passes on `usageMetadata.totalTokenCount` but drops the counts it is
// the sum of (the prompt's, the answer's). The API's total is always prompt + candidates +
// thoughts + tool-use prompt (every recorded response in test/fixtures), and the cost is priced
// from those counts, so each step of 200,000 tokens cost "$0", a known cost: every cost budget
// (stopWhen: costAbove, budget.maxCostUsd, a chat's maxCostUsd) let the run go to maxSteps.

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

const model = 'gemini-2.5-flash';
const TOTAL = 200_000;

const ping = defineTool({ name: 'ping', parameters: z.object({}), execute: () => 'pong' });

/** A call of ping whose usage is the total alone (or with a count far below it). */
function callWith(usage: Record<string, number>): FakeTurn {
  return turn.raw({
    candidates: [
      {
        content: { role: 'model', parts: [{ functionCall: { name: 'ping', args: {} } }] },
        finishReason: 'STOP',
      },
    ],
    usageMetadata: usage,
  });
}

async function serve(reply: FakeTurn) {
  const fake = createFakeGemini({ script: () => reply });
  fakes.push(fake);
  const { url } = await fake.listen();
  return { fake, gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }) };
}

const variants: readonly (readonly [
  string,
  { totalTokenCount: number; candidatesTokenCount?: number },
])[] = [
  ['the total alone', { totalTokenCount: TOTAL }],
  ['the total and a small answer count', { totalTokenCount: TOTAL, candidatesTokenCount: 5 }],
];

describe('a usage whose total is more than the counts it reports', () => {
  for (const [name, usage] of variants) {
    it(`prices the unnamed tokens as prompt: costAbove stops the run (${name}, unary and streamed)`, async () => {
      for (const streaming of [false, true]) {
        const { fake, gemini } = await serve(callWith(usage));
        // gemini-2.5-flash input: $0.30 a million tokens, so 200,000 tokens cost $0.06 a step.
        const agent = createAgent({
          gemini,
          model,
          tools: [ping],
          maxSteps: 20,
          stopWhen: costAbove(0.1),
        });
        const result = await (streaming ? agent.stream('Go').result : agent.run('Go'));
        expect(result.finishReason).toBe('stop-condition');
        expect(fake.modelRequests).toHaveLength(2);
        const [first] = result.steps;
        // The server's total is kept; the count it left out is what the total says it was.
        expect(first?.usage.totalTokenCount).toBe(TOTAL);
        expect(first?.usage.promptTokenCount).toBe(TOTAL - (usage.candidatesTokenCount ?? 0));
        // Nothing was estimated: the counts are the server's total, split as the API splits it.
        expect(first?.usageEstimated).toBeUndefined();
        expect(Number(first?.cost.total)).toBeGreaterThan(0.05);
        expect(Number(result.cost.total)).toBeGreaterThan(0.1);
      }
    });
  }

  it('a run budget.maxCostUsd stops the run (unary and streamed)', async () => {
    for (const streaming of [false, true]) {
      const { fake, gemini } = await serve(callWith({ totalTokenCount: TOTAL }));
      const agent = createAgent({ gemini, model, tools: [ping], maxSteps: 20 });
      const options = { budget: { maxCostUsd: 0.1 } };
      const error = await (streaming
        ? agent.stream('Go', options).result
        : agent.run('Go', options)
      ).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(TreeBudgetError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ limit: 'cost' });
      expect(fake.modelRequests).toHaveLength(2);
    }
  });

  it("a chat session's maxCostUsd stops the session", async () => {
    const { fake, gemini } = await serve(callWith({ totalTokenCount: TOTAL }));
    const chat = createChatSession({
      agent: createAgent({ gemini, model, tools: [ping], maxSteps: 20 }),
      budget: { maxCostUsd: 0.1 },
    });
    const first = await chat.send('Go');
    expect(first.finishReason).toBe('stop-condition');
    expect(fake.modelRequests).toHaveLength(2);
    await expect(chat.send('More.')).rejects.toBeInstanceOf(ChatBudgetExceededError);
    expect(fake.modelRequests).toHaveLength(2);
  });

  it('counts a total smaller than its counts as their sum: totalTokensExceed and budget.maxTokens stop (unary and streamed)', async () => {
    const lying = { promptTokenCount: TOTAL, candidatesTokenCount: 5, totalTokenCount: 1 };
    for (const streaming of [false, true]) {
      const { fake, gemini } = await serve(callWith(lying));
      const agent = createAgent({
        gemini,
        model,
        tools: [ping],
        maxSteps: 20,
        stopWhen: totalTokensExceed(300_000),
      });
      const result = await (streaming ? agent.stream('Go').result : agent.run('Go'));
      expect(result.finishReason).toBe('stop-condition');
      expect(fake.modelRequests).toHaveLength(2);
      expect(result.steps[0]?.usage.totalTokenCount).toBe(TOTAL + 5);
      expect(result.steps[0]?.usageEstimated).toBeUndefined();
      const budgeted = createAgent({ gemini, model, tools: [ping], maxSteps: 20 });
      const options = { budget: { maxTokens: 300_000 } };
      const error = await (streaming
        ? budgeted.stream('Go', options).result
        : budgeted.run('Go', options)
      ).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toMatchObject({ limit: 'tokens' });
      expect(fake.modelRequests).toHaveLength(4);
    }
  });

  it('leaves a usage whose counts add up to its total as the server sent it', async () => {
    const { gemini } = await serve(
      callWith({ promptTokenCount: 150, candidatesTokenCount: 30, totalTokenCount: 180 }),
    );
    const agent = createAgent({ gemini, model, tools: [ping], maxSteps: 2 });
    const result = await agent.run('Go');
    expect(result.steps[0]?.usageEstimated).toBeUndefined();
    expect(result.steps[0]?.usage).toMatchObject({
      promptTokenCount: 150,
      candidatesTokenCount: 30,
      totalTokenCount: 180,
    });
  });
});
