import { createAgent, createGemini } from '@gemloop/core';
import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ownerOfBearer } from '../__fixtures__/order-fixtures.ts';
import { DOOR_KEYS } from './__fixtures__/serve-all-doors.ts';
import { listenForTest } from './__fixtures__/serve-door.ts';
import { THREAD_DOORS as DOORS, type ThreadDoor as Door } from './__fixtures__/thread-doors.ts';
import { mountDoors } from './mount-doors.ts';

// scrub47 (issue 53): each door keeps a memo of the long texts its key filter found clean, so a
// thread's stored turns are not scanned again at every send (the sends were quadratic in the
// thread's length). The memo must never let a key through: here the model writes the client's
// key in the second answer of a long thread, whose later sends each carry that turn in their
// history and result; no byte any door sends its client, at any send, holds the key.

const GEMINI_KEY = 'gemini-secret-key';
const SENDS = 12;
/** Long answers (the memo keeps texts of 256 characters and more), the second with the key. */
const answerOf = (index: number): string =>
  `answer ${index}${index === 2 ? ` (key=${GEMINI_KEY})` : ''} ${'y'.repeat(600)}`;

async function serve() {
  let answered = 0;
  const fake = createFakeGemini({
    script: () => {
      answered += 1;
      return turn.text(answerOf(answered));
    },
  });
  const gemini = createGemini({ apiKey: GEMINI_KEY, retry: false, fetch: fake.fetch });
  const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });
  const doors = mountDoors({
    authorize: (request) => ownerOfBearer(DOOR_KEYS, request),
    rateLimit: false,
    openai: { agents: { support: agent } },
    mcp: { agents: { support: agent } },
    agUi: { agent },
    a2a: { agent, card: { name: 'Support', description: 'Answers.' } },
  });
  onTestFinished(() => doors.close());
  const base = await listenForTest(doors.handler);
  const received: string[] = [];
  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${DOOR_KEYS.alice}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        ...headers,
      },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    expect([200, 202], text.slice(0, 300)).toContain(response.status);
    received.push(text, JSON.stringify([...response.headers]));
    return { text, headers: response.headers };
  };
  return { post, received, fake };
}

describe("a key in an old turn of a long thread reaches no door's client (scrub47)", () => {
  it.each(Object.keys(DOORS))('%s', async (door) => {
    const { post, received, fake } = await serve();
    const send = await (DOORS[door] as Door)(post);
    for (let index = 0; index < SENDS; index++) await send();
    expect(fake.requests).toHaveLength(SENDS);
    // The thread kept the turn: the model was sent it again at the last send (its history).
    expect(JSON.stringify(fake.requests.at(-1)?.body)).toContain(`key=${GEMINI_KEY}`);
    expect(received.join('\n')).toContain('answer 12');
    expect(received.join('\n')).not.toContain(GEMINI_KEY);
  });
});
