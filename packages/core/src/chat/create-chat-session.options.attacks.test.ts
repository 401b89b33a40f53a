import { turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { cleanUp, serve } from './__fixtures__/chat-fixtures.ts';
import { ChatBudgetExceededError } from './chat-budget-exceeded-error.ts';
import { createChatSession } from './create-chat-session.ts';

// attack15: a chat session's options were checked once and read again afterwards, so a getter (a
// config Proxy, a setting read lazily) that gave the check `budget: { maxCostUsd: 0.05 }` and the
// session `undefined` turned the spending limit off: every send went to the model. A getter inside
// the budget (`maxCostUsd` 0.05, then NaN) failed closed instead (every send refused, naming $NaN).
// The session now keeps the copy it checked, its budget and history limit copied too.

afterEach(cleanUp);

const model = 'gemini-2.5-flash';
const usage = { promptTokenCount: 100_000, candidatesTokenCount: 1_000 };

/** An object whose `key` reads `first` once, then `later`. */
function changing(target: Record<string, unknown>, key: string, first: unknown, later: unknown) {
  let reads = 0;
  Object.defineProperty(target, key, {
    enumerable: true,
    get: () => (reads++ === 0 ? first : later),
  });
  return target;
}

describe('createChatSession with an option that changes between reads', () => {
  it.each([
    [
      'the budget object',
      (agent: unknown) => changing({ agent }, 'budget', { maxCostUsd: 0.05 }, undefined),
    ],
    [
      'budget.maxCostUsd',
      (agent: unknown) => ({
        agent,
        budget: changing({}, 'maxCostUsd', 0.05, Number.NaN),
      }),
    ],
  ])('%s: the budget the check saw holds', async (_label, made) => {
    const { gemini, fake } = await serve({
      script: [
        turn.text('one', { usage }),
        turn.text('two', { usage }),
        turn.text('three', { usage }),
      ],
    });
    // The getter on the object given itself: a spread here would read it once already.
    const chat = createChatSession(made(createAgent({ gemini, model })) as never);
    await chat.send('Hi'); // $0.0325
    await chat.send('Again'); // $0.065 in all: past $0.05
    const requests = fake.requests.length;
    const error = await chat.send('More?').then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(ChatBudgetExceededError.isInstance(error)).toBe(true);
    expect(fake.requests).toHaveLength(requests);
  });
});
