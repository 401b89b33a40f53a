import { createFakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { createChatSession } from '../chat/create-chat-session.ts';
import { createMemoryHistoryStore } from '../chat/create-memory-history-store.ts';
import { createGemini } from '../http/create-gemini.ts';
import { createScanMemo } from '../shared/scan-memo.ts';
import type { ScanMemo } from '../shared/scrub-secrets.ts';
import { keylessEvents, keylessResult } from './keyless-events.ts';

// scrub47 (issue 53): a door's key filter walked each event and the result of a send, and a chat
// send's result holds the thread, so each send scanned every stored turn again (up to three
// times, once per event or result that held it): a thread's sends were quadratic in its length.
// A door's memo (ScanMemo) keeps the long texts found clean by the object that holds them; these
// count the characters scanned per send through the memo, not the time.

/** The client's key, Google-shaped (39 characters): the model writes it in one old turn. */
const KEY = 'AIzaSyD-scan-once-0123456789abcdefghijk';
const ANSWER_CHARS = 2000;
const SENDS = 40;
const KEY_AT = 3;

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

function longThread() {
  let answered = 0;
  const fake = createFakeGemini({
    script: () => {
      answered += 1;
      const said = answered === KEY_AT ? ` (my key is ${KEY})` : '';
      return turn.text(`answer ${answered}${said} ${'y'.repeat(ANSWER_CHARS)}`);
    },
  });
  closers.push(() => fake.close());
  const gemini = createGemini({ apiKey: KEY, retry: false, fetch: fake.fetch });
  const agent = createAgent({ gemini, model: 'gemini-3-flash-preview' });
  const session = createChatSession({ agent, store: createMemoryHistoryStore(), id: 'long' });
  return { agent, session };
}

/** The characters scanned by each send (what the memo counted during it). */
function perSend(memo: ScanMemo) {
  const counts: number[] = [];
  return async (send: () => Promise<void>) => {
    const before = memo.scannedChars;
    await send();
    counts.push(memo.scannedChars - before);
    return counts;
  };
}

describe("a long thread's sends through a door's key filter (scrub47)", () => {
  it('stream: each old turn is scanned once, and the key in an old turn never leaves', async () => {
    const { session } = longThread();
    const memo = createScanMemo();
    const count = perSend(memo);
    let counts: number[] = [];
    for (let index = 0; index < SENDS; index++) {
      counts = await count(async () => {
        const stream = keylessEvents(session.sendStream(`question ${index}`), memo);
        const sent: unknown[] = [];
        for await (const event of stream) sent.push(event);
        sent.push(await stream.result);
        // What a door may send of the send: no event, and no part of the result (its history
        // holds the key's turn from the third send on), carries the key.
        expect(JSON.stringify(sent)).not.toContain(KEY);
        if (index >= KEY_AT)
          expect(JSON.stringify(sent)).toContain('answer 3 (my key is [redacted])');
      });
    }
    // Before: every send scanned the whole thread again (the 40th ~37 answers more than the
    // 3rd: > 70,000 characters more). Now a send scans its new texts, the key's turn (never
    // clean) and the short texts: what grows with the thread is far less than one answer a turn.
    const growth = (counts[SENDS - 1] ?? 0) - (counts[9] ?? 0);
    expect(growth).toBeLessThan(((SENDS - 10) * ANSWER_CHARS) / 4);
    // The new answer is scanned (at least once a send).
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(ANSWER_CHARS);
  });

  it('result (a unary door): each old turn is scanned once, and the key never leaves', async () => {
    const { agent, session } = longThread();
    const memo = createScanMemo();
    const count = perSend(memo);
    let counts: number[] = [];
    for (let index = 0; index < SENDS; index++) {
      counts = await count(async () => {
        const result = keylessResult(agent, await session.send(`question ${index}`), memo);
        expect(JSON.stringify(result)).not.toContain(KEY);
      });
    }
    const growth = (counts[SENDS - 1] ?? 0) - (counts[9] ?? 0);
    expect(growth).toBeLessThan(((SENDS - 10) * ANSWER_CHARS) / 4);
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(ANSWER_CHARS);
  });
});
