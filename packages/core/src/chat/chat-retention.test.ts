import { createFakeGemini, type FakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { abortListeners, liveHeap, warningsDuring } from '../__fixtures__/live-heap.ts';
import { createAgent } from '../agent/create-agent.ts';
import { AgentAbortedError } from '../agent/errors/agent-aborted-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import { weather } from './__fixtures__/chat-fixtures.ts';
import type { ChatSession } from './chat-session.ts';
import { createChatSession } from './create-chat-session.ts';
import type { ChatTurn, HistoryStore } from './history-store.ts';

// A chat bot keeps one session for thousands of turns. What it must keep per turn is its history,
// and the store keeps that: with a store that keeps the newest turns only, the session itself must
// keep nothing more (no events, recorder buffers, steering queues or closures of past sends).
// Bytes alive after a full GC at two points of one conversation, a count the machine's load does
// not move. Probed for leak40 (bench/RESULTS.md, "leak40"): the growth from turn 500 to 2,000
// was all V8's compiled code; no object of a past send stayed.

const MODEL = 'gemini-2.5-flash';

/**
 * Bytes a turn may leave alive: generous, for what V8's optimiser keeps making as the sends go on
 * (its code is left out of the count, but its deoptimisation data and weak lists live among the
 * objects: -6 to 452 B a turn over turns 500 to 2,000 at load 20, all of it such, by heap
 * snapshots). Keeping the result of every other send (its run, the turn's contents) measured
 * 3,027 B a turn.
 */
const MAX_RETAINED_BYTES_PER_TURN = 2_048;

/**
 * The heap is read after turn 500 and again after turn 1,500 (it was 2,000): read every 250 turns
 * in four fresh workers, the residue from 500 to 1,500 was 280 to 313 B a turn (234 to 259 to
 * 2,000), a sixth of the bound (bench/RESULTS.md, speed-units47).
 */
const FIRST_READING = 500;
const LAST_READING = 1_500;

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

/** A store that keeps the newest turns only, as a bounded store of a user's would. */
function newestTurnsStore(keep: number): HistoryStore {
  let turns: ChatTurn[] = [];
  return {
    load: () => turns.slice(),
    append: (_id, stored) => {
      turns = [...turns, stored].slice(-keep);
    },
    clear: () => {
      turns = [];
    },
  };
}

/**
 * Send `index` of the conversation, on the user's long-lived signal: unary or streamed by turns;
 * one in ten streams is left after its first event (its send ends aborted, and saves nothing).
 */
async function chatTurn(chat: ChatSession<undefined>, index: number, signal: AbortSignal) {
  const message = `${index % 3 === 0 ? 'weather' : 'hello'} ${index}`;
  if (index % 2 === 0) {
    await chat.send(message, { signal });
    return;
  }
  const stream = chat.sendStream(message, { signal });
  const leave = index % 10 === 1;
  for await (const _event of stream) if (leave) break;
  if (!leave) {
    await stream.result;
    return;
  }
  // Not `expect(...).rejects`: vitest keeps each such assertion until the test ends.
  const ended = await stream.result.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!AgentAbortedError.isInstance(ended)) throw new Error(`send ${index} did not end aborted`);
}

describe('a chat session of thousands of turns', () => {
  it('keeps nothing of a past send beyond what the store keeps, from turn 500 to 1,500', async () => {
    const fake = createFakeGemini({
      keepRequests: 1,
      script: (_request, context) => {
        if (context.functionResponses.length > 0) return turn.text('Sunny in Paris. '.repeat(8));
        if (context.lastUserText?.startsWith('weather'))
          return turn.call('get_weather', { city: 'Paris' });
        return turn.text('Hello again, how can I help? '.repeat(8));
      },
    });
    fakes.push(fake);
    const gemini = createGemini({ fetch: fake.fetch, apiKey: 'test-key', retry: false });
    const agent = createAgent({ gemini, model: MODEL, tools: [weather] });
    const chat = createChatSession({ agent, store: newestTurnsStore(8), limit: { maxTurns: 8 } });
    const user = new AbortController();
    let mostListeners = 0;
    let atFirstReading = 0;
    let atLastReading = 0;
    const warnings = await warningsDuring(async () => {
      for (let index = 1; index <= LAST_READING; index++) {
        await chatTurn(chat, index, user.signal);
        mostListeners = Math.max(mostListeners, abortListeners(user.signal));
        if (index === FIRST_READING) atFirstReading = await liveHeap();
        if (index === LAST_READING) atLastReading = await liveHeap();
      }
    });
    expect(warnings).toEqual([]);
    expect(mostListeners).toBeLessThanOrEqual(1);
    expect(abortListeners(user.signal)).toBe(0);
    // The conversation went on: the newest turns are what the store holds.
    const turns = await chat.turns();
    expect(turns.length).toBe(8);
    const perTurn = (atLastReading - atFirstReading) / (LAST_READING - FIRST_READING);
    expect(perTurn).toBeLessThan(MAX_RETAINED_BYTES_PER_TURN);
    await chat.close();
    await agent.close();
  }, 300_000);
});
