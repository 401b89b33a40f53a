import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Content } from '@gemloop/core';
import { createAgent, createChatSession, createGemini } from '@gemloop/core';
import { type ChatHistoryLimit, createMemoryHistoryStore } from '@gemloop/core/chat';
import { silentLogger } from '@gemloop/core/logging';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatScript, GROW } from '../__fixtures__/chat-script.ts';
import { type HoldingFleet, startHoldingFleet } from '../__fixtures__/holding-fleet.ts';
import {
  createPostgresHistoryStore,
  type PostgresHistoryStore,
  sendDurableChatTurn,
} from '../index.ts';

// A durable chat turn with a chat session's `limit` (leftovers81), on real workers, the suite's
// embedded Postgres and the fake Gemini: it sends the window an in-process chat with the same
// limit sends, and a worker that takes the turn over after a SIGKILL sends that window again,
// whatever the store holds by then.

let fleet: HoldingFleet;
let store: PostgresHistoryStore;

beforeAll(async () => {
  fleet = await startHoldingFleet('chat-limit', chatScript());
  store = createPostgresHistoryStore({ connectionString: fleet.databaseUrl });
});

afterAll(async () => {
  await store?.close();
  await fleet?.close();
  if (fleet !== undefined) rmSync(fleet.holdDirectory, { recursive: true, force: true });
});

/** The contents of each model request whose body holds `text`. */
function requestsWith(text: string): Content[][] {
  return fleet.fake.modelRequests
    .filter((request) => JSON.stringify(request.body).includes(text))
    .map((request) => (request.body as { contents: Content[] }).contents);
}

describe('sendDurableChatTurn with limit', () => {
  it.each<[string, ChatHistoryLimit]>([
    ['maxTurns', { maxTurns: 2 }],
    ['maxTokens', { maxTokens: 600 }],
  ])('sends the contents an in-process chat with the same %s sends', async (label, limit) => {
    const session = `limited-${label}`;
    for (let index = 0; index < 4; index++) {
      await sendDurableChatTurn({
        runs: fleet.runs,
        store,
        sessionId: session,
        agent: 'longdecode',
        message: `${GROW}${label}-${index}`,
        limit,
      });
    }
    const turns = await store.load(session);
    expect(turns).toHaveLength(4);
    const durable = requestsWith(`${GROW}${label}-3`);
    expect(durable).toHaveLength(1);
    // The window dropped the oldest turns: the first turn's words are not sent again.
    expect(JSON.stringify(durable[0])).not.toContain(`${GROW}${label}-0`);
    expect(JSON.stringify(durable[0])).toContain(`${GROW}${label}-2`);

    // The same stored turns in a chat session with the same limit, the same message sent.
    const memory = createMemoryHistoryStore();
    for (const stored of turns.slice(0, 3))
      await memory.append('same', stored, { logger: silentLogger });
    const chat = createChatSession({
      agent: createAgent({
        gemini: createGemini({ apiKey: 'k', baseUrl: fleet.fake.url }),
        model: 'gemini-3-flash-preview',
      }),
      store: memory,
      id: 'same',
      limit,
    });
    await chat.send(`${GROW}${label}-3`);
    const inProcess = requestsWith(`${GROW}${label}-3`);
    expect(inProcess).toHaveLength(2);
    expect(inProcess[1]).toEqual(durable[0]);
  });

  it('sends the recorded window again on the worker that takes a SIGKILLed turn over, whatever the store holds then', async () => {
    const session = 'killed-limited';
    for (const message of ['Hello one', 'Hello two']) {
      await sendDurableChatTurn({
        runs: fleet.runs,
        store,
        sessionId: session,
        agent: 'support',
        message,
      });
    }
    const [, second] = await store.load(session);
    const runId = `${session}:turn-2`;
    writeFileSync(join(fleet.holdDirectory, session), '');
    const sent = sendDurableChatTurn({
      runs: fleet.runs,
      store,
      sessionId: session,
      agent: 'support',
      message: 'And order 8?',
      limit: { maxTurns: 1 },
    });
    const victim = await fleet.killInSlowTool(runId);
    // Another writer's turn while the run is down: a window chosen from the store now would
    // send it; the recorded one does not.
    await store.append(session, {
      contents: [
        { role: 'user', parts: [{ text: 'Hello three' }] },
        { role: 'model', parts: [{ text: 'Hi.' }] },
      ],
    });
    rmSync(join(fleet.holdDirectory, session));
    const result = await sent;
    expect(result.text).toBe('Order 7 shipped; no refund needed.');
    expect((await fleet.runs.status(runId))?.executorId).not.toBe(victim.executorId);
    const requests = requestsWith('And order 8?');
    // lookup, slow (killed), then the taker's slow answer: every request the same window.
    expect(requests.length).toBeGreaterThanOrEqual(3);
    const window = second?.contents as Content[];
    for (const contents of requests) {
      expect(contents.slice(0, window.length)).toEqual(window);
      expect(JSON.stringify(contents)).not.toContain('Hello one');
      expect(JSON.stringify(contents)).not.toContain('Hello three');
    }
  });
});
