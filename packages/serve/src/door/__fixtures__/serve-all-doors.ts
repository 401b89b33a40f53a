import { createAgent, createGemini } from '@gemloop/core';
import { createFakeGemini, turn } from '@gemloop/testing';
import { onTestFinished } from 'vitest';
import { ownerOfBearer } from '../../__fixtures__/order-fixtures.ts';
import { type MountDoorsOptions, mountDoors } from '../mount-doors.ts';
import { listenForTest } from './serve-door.ts';

/** The bearer keys the doors' `authorize` knows, by owner. */
export const DOOR_KEYS = { alice: 'door-alice-0123456789' } as const;

/** An AG-UI `RunAgentInput` of one user message, on thread `t1`. */
export const RUN_INPUT = {
  threadId: 't1',
  runId: 'r1',
  messages: [{ id: 'm1', role: 'user', content: 'Hi' }],
  tools: [],
  context: [],
  state: {},
  forwardedProps: {},
};

/**
 * Every door (OpenAI, MCP, AG-UI, A2A) mounted on one agent answering `Hello.` from the fake, on
 * 127.0.0.1, closed when the test ends; `asked()` counts `authorize`'s calls.
 */
export async function serveAllDoors(options: Partial<MountDoorsOptions> = {}) {
  const fake = createFakeGemini({ script: [turn.text('Hello.')] });
  const gemini = createGemini({ apiKey: 'gemini-secret-key', retry: false, fetch: fake.fetch });
  const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });
  let asked = 0;
  const doors = mountDoors({
    authorize: (request) => {
      asked += 1;
      return ownerOfBearer(DOOR_KEYS, request);
    },
    openai: { agents: { support: agent } },
    mcp: { agents: { support: agent } },
    agUi: { agent },
    a2a: { agent, card: { name: 'Support', description: 'Answers.' } },
    ...options,
  });
  onTestFinished(() => doors.close());
  const base = await listenForTest(doors.handler);
  return { base, fake, asked: () => asked };
}
