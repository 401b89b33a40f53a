import { createAgent, createGemini } from '@gemloop/core';
import { createMemoryHistoryStore, type HistoryStore } from '@gemloop/core/chat';
import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ownerOfBearer } from '../__fixtures__/order-fixtures.ts';
import { DOOR_KEYS } from './__fixtures__/serve-all-doors.ts';
import { listenForTest } from './__fixtures__/serve-door.ts';
import { THREAD_DOORS as DOORS, type ThreadDoor as Door } from './__fixtures__/thread-doors.ts';
import { mountDoors } from './mount-doors.ts';

// attack44a: each door's default store was bounded by threads (1000), not by a thread's length:
// one owner within the rate limit could grow a thread until the model refused it (GBs held over
// the threads, every run of it a 500 then). Each door's default store now keeps a thread's newest
// turns within 4 MiB (the UTF-8 bytes of their JSON): the oldest whole turns are dropped, the
// thread keeps answering. The model answers 900,000 characters a turn here, so six sends hold
// ~5.4 MB unbounded; what the sixth model request carries says what the store kept.

const ANSWER = 'y'.repeat(900_000);
const SENDS = 6;
const BOUND = 4 * 1024 * 1024;
/**
 * Characters a stream chunk of the fake: an answer in nine or ten chunks, not the fake's default
 * 48 (18,750 chunks, each parsed, filtered for keys and re-sent by the door). What a door stores
 * and bounds is the turn the run ends with, the same text however it arrived, so the same bytes
 * reach the store's cut; the per-chunk work was most of the file's ~11 s (bench/RESULTS.md,
 * speed-integ47).
 */
const CHUNK_SIZE = 100_000;

async function serve({
  store,
  answer = ANSWER,
  script = () => turn.text(answer),
}: {
  store?: HistoryStore;
  answer?: string;
  script?: () => ReturnType<typeof turn.text>;
} = {}) {
  const fake = createFakeGemini({ script, chunkSize: CHUNK_SIZE });
  const gemini = createGemini({ apiKey: 'gemini-secret-key', retry: false, fetch: fake.fetch });
  const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });
  const doors = mountDoors({
    authorize: (request) => ownerOfBearer(DOOR_KEYS, request),
    rateLimit: false,
    openai: { agents: { support: agent } },
    mcp: { agents: { support: agent } },
    agUi: { agent, ...(store === undefined ? {} : { store }) },
    a2a: { agent, card: { name: 'Support', description: 'Answers.' } },
  });
  onTestFinished(() => doors.close());
  const base = await listenForTest(doors.handler);
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
    return { text, headers: response.headers };
  };
  /** The UTF-8 size of the contents of the model's last request, and how many answers it held. */
  const lastRequest = (text = ANSWER) => {
    const body = fake.requests.at(-1)?.body as { contents?: unknown[] } | undefined;
    const contents = JSON.stringify(body?.contents ?? []);
    return {
      bytes: Buffer.byteLength(contents),
      answers: contents.split(text).length - 1,
    };
  };
  return { post, lastRequest, fake };
}

describe("a long thread at each door's default store (attack44a)", () => {
  it.each(Object.keys(DOORS))(
    '%s: the model gets the newest turns within 4 MiB, and the thread keeps answering',
    async (door) => {
      const { post, lastRequest, fake } = await serve();
      const send = await (DOORS[door] as Door)(post);
      for (let index = 0; index < SENDS; index++) await send();
      expect(fake.requests).toHaveLength(SENDS);
      const last = lastRequest();
      // Before: all five earlier answers (~4.5 MB), and on until the model refused the thread.
      expect(last.answers).toBeLessThan(SENDS - 1);
      expect(last.answers).toBeGreaterThanOrEqual(3);
      expect(last.bytes).toBeLessThanOrEqual(BOUND + 10_000);
    },
    // A hang guard, not a speed check: six 900,000-character answers through each door (AG-UI
    // streams them as events to the client) took 3-8 s alone and 67 s at load 24 on two cores,
    // past the project's 60 s default.
    240_000,
  );

  it('AG-UI: a store given is used as it was made, not bounded by the default', async () => {
    const answer = 'z'.repeat(2000);
    const store = createMemoryHistoryStore({ maxHistoryBytes: 5000 });
    const { post, lastRequest } = await serve({ store, answer });
    const send = await (DOORS['AG-UI (threadId)'] as Door)(post);
    for (let index = 0; index < SENDS; index++) await send();
    // A turn of a 2,000-character answer (with its message and spend) takes over 2 KB, so at
    // most two fit in 5,000 bytes; the door's default would have kept all five.
    const { answers } = lastRequest(answer);
    expect(answers).toBeGreaterThan(0);
    expect(answers).toBeLessThanOrEqual(2);
  });

  it('OpenAI: a branch from an older response holds the turns up to it that are left, none after', async () => {
    let answered = 0;
    const { post, fake } = await serve({
      script: () => {
        answered += 1;
        return turn.text(`<answer ${answered}>${ANSWER}`);
      },
    });
    const ids: string[] = [];
    for (let index = 0; index < SENDS; index++) {
      const { text } = await post('/v1/responses', {
        model: 'support',
        input: `question ${index + 1}`,
        ...(ids.length === 0 ? {} : { previous_response_id: ids.at(-1) }),
      });
      ids.push((JSON.parse(text) as { id: string }).id);
    }
    // From the fifth response (not the conversation's newest): a branch of turns 1 to 5, of which
    // the store dropped the oldest. Before: the branch copied the first five turns it found, the
    // sixth among them (the store's turns had moved up by the ones dropped).
    await post('/v1/responses', {
      model: 'support',
      input: 'question 7',
      previous_response_id: ids[4],
    });
    const sent = JSON.stringify(fake.requests.at(-1)?.body);
    expect(sent).toContain('<answer 5>');
    expect(sent).not.toContain('<answer 6>');
    expect(sent).not.toContain('question 6');
    expect(sent).not.toContain('<answer 1>');
  });
});
