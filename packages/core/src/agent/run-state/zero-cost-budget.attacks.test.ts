import { turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanUp, serve } from '../../chat/__fixtures__/chat-fixtures.ts';
import { ChatBudgetExceededError } from '../../chat/chat-budget-exceeded-error.ts';
import { createChatSession } from '../../chat/create-chat-session.ts';
import { createAgent } from '../create-agent.ts';
import { TreeBudgetError } from '../errors/tree-budget-error.ts';

// Attack (econ2, economy68's leftover): a budget of $0, a user's way to say "spend nothing" (or an
// app's computed rest of a budget). The rule is "over, not at" (a call is priced after it ran), so
// a tree at $0 of $0 was not over and one paid call went through, and a chat session with
// `maxCostUsd: 0` sent its first turn and paid for it. $0 allows no model call: the tree stops
// before its first with a TreeBudgetError (limit `cost`), the chat refuses the send with a
// ChatBudgetExceededError; the server gets nothing.

afterEach(cleanUp);

const usage = { promptTokenCount: 100_000, candidatesTokenCount: 1_000 };

describe('a budget of $0', () => {
  for (const maxCostUsd of [0, '0', '0.00'])
    for (const streamed of [false, true])
      it(`(${streamed ? 'streamed' : 'unary'}) makes no model call in a run whose tree budget is ${JSON.stringify(maxCostUsd)}`, async () => {
        const { fake, gemini } = await serve({ script: [turn.text('Paid.', { usage })] });
        const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });
        const options = { budget: { maxCostUsd } };
        const done = streamed ? agent.stream('Hi.', options).result : agent.run('Hi.', options);
        const error = await done.then(
          () => undefined,
          (caught: unknown) => caught,
        );
        expect(TreeBudgetError.isInstance(error)).toBe(true);
        expect(error).toMatchObject({ limit: 'cost' });
        expect(fake.requests).toHaveLength(0);
      });

  for (const streamed of [false, true])
    it(`(${streamed ? 'streamed' : 'unary'}) sends nothing in a chat session whose budget is 0`, async () => {
      const { fake, gemini } = await serve({ script: [turn.text('Paid.', { usage })] });
      const chat = createChatSession({
        agent: createAgent({ gemini, model: 'gemini-2.5-flash' }),
        budget: { maxCostUsd: 0 },
      });
      const send = () => (streamed ? chat.sendStream('Hi.').result : chat.send('Hi.'));
      await expect(send()).rejects.toSatisfy(ChatBudgetExceededError.isInstance);
      expect(fake.requests).toHaveLength(0);
      expect(chat.cost.total).toBe('0');
      await chat.close();
    });

  it('makes no call in a chat send that starts at exactly its budget spent (its tree has $0 left)', async () => {
    // gemini-2.5-flash: 100000 x $0.30/M + 1000 x $2.50/M = $0.0325 a call.
    const { fake, gemini } = await serve({
      script: [turn.text('One.', { usage }), turn.text('Two.', { usage })],
    });
    const chat = createChatSession({
      agent: createAgent({ gemini, model: 'gemini-2.5-flash' }),
      budget: { maxCostUsd: '0.0325' },
    });
    expect((await chat.send('Hi.')).text).toBe('One.');
    await expect(chat.send('Again.')).rejects.toSatisfy(TreeBudgetError.isInstance);
    expect(fake.requests).toHaveLength(1);
    expect(chat.cost.total).toBe('0.0325');
    await chat.close();
  });

  it('still lets a run with a budget above $0 make its first call (over, not at)', async () => {
    const { fake, gemini } = await serve({ script: [turn.text('Paid.', { usage })] });
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });
    const result = await agent.run('Hi.', { budget: { maxCostUsd: '0.000000000001' } });
    expect(result.text).toBe('Paid.');
    expect(fake.requests).toHaveLength(1);
  });
});
