// attack64a: a handoff `filter` that throws (the caller's code: a lookup, a redaction pass) ended
// the run with its bare error, unary, streamed and in a chat: no `error.run` (the steps done, the
// usage, the history with the transfer answered, which a caller continues from), and its message
// (an address, a password) as the run's error. The filter's other failures (not an array, a
// history the API refuses) are an `AgentRunError` with the run, as its TSDoc says.

import { describe, expect, it } from 'vitest';
import {
  callsTurn,
  createScriptedGemini,
  textTurn,
} from '../agent/__fixtures__/scripted-gemini.ts';
import { createAgent } from '../agent/create-agent.ts';
import { AgentRunError } from '../agent/errors/agent-run-error.ts';
import { recordingLogger } from '../chat/__fixtures__/chat-fixtures.ts';
import { createChatSession } from '../chat/create-chat-session.ts';
import { createMemoryHistoryStore } from '../chat/create-memory-history-store.ts';
import { handoff } from './handoff.ts';

const MODEL = 'gemini-2.5-flash';
const SECRET = 'postgres://app:hunter2@db.internal/main';

function team() {
  const billingGemini = createScriptedGemini([textTurn('Billing here.')]);
  const billing = createAgent({ gemini: billingGemini, model: MODEL, name: 'billing' });
  const triageGemini = createScriptedGemini([
    callsTurn(['transfer_to_billing', {}, 't1']),
    textTurn('Triage again.'),
  ]);
  const filter = (): never => {
    throw new Error(`redaction service down at ${SECRET}`);
  };
  const triage = createAgent({
    gemini: triageGemini,
    model: MODEL,
    name: 'triage',
    tools: [handoff(billing, { filter })],
  });
  return { triage, billingGemini };
}

function expectTyped(thrown: unknown): AgentRunError {
  expect(AgentRunError.isInstance(thrown)).toBe(true);
  const error = thrown as AgentRunError;
  expect(error.message).toContain('handoff filter');
  expect(error.message).toContain('billing');
  expect(error.message).not.toContain('hunter2');
  expect((error.cause as Error).message).toContain('hunter2');
  // The run so far, the transfer call answered: a history to continue from.
  const contents = error.run?.contents ?? [];
  expect(contents.at(-1)?.parts?.[0]?.functionResponse?.name).toBe('transfer_to_billing');
  expect(error.run?.steps).toHaveLength(1);
  return error;
}

describe('a handoff filter that throws', () => {
  it.each([
    ['run', (agent: ReturnType<typeof team>['triage']) => agent.run('Refund please.')],
    ['stream', (agent: ReturnType<typeof team>['triage']) => agent.stream('Refund please.').result],
  ] as const)('ends the run with an AgentRunError holding the run (%s)', async (_, start) => {
    const { triage, billingGemini } = team();
    expectTyped(
      await start(triage).then(
        () => undefined,
        (thrown: unknown) => thrown,
      ),
    );
    expect(billingGemini.calls).toHaveLength(0);
  });

  it('fails a chat send typed, saving nothing', async () => {
    const { triage, billingGemini } = team();
    const store = createMemoryHistoryStore();
    const chat = createChatSession({ agent: triage, store, id: 'user-1' });
    expectTyped(
      await chat.send('Refund please.').then(
        () => undefined,
        (thrown: unknown) => thrown,
      ),
    );
    expect(await store.load('user-1', { logger: recordingLogger() })).toEqual([]);
    expect(billingGemini.calls).toHaveLength(0);
  });
});
