import { createFakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { createChatSession } from '../chat/create-chat-session.ts';
import { createMemoryHistoryStore } from '../chat/create-memory-history-store.ts';
import { createGemini } from '../http/create-gemini.ts';
import { createScanMemo } from '../shared/scan-memo.ts';
import { UNCHECKED } from '../shared/scrub-secrets.ts';
import { keylessEvents, keylessEventsShowing } from './keyless-events.ts';

// leftovers61 (issue 53): a door that sends part of a run's result (the Responses door: its text
// and usage) scrubs only that part. The whole result holds the thread: an old answer holding a
// key was never found clean, so each send scanned and copied it again for a response that never
// carries it; and past the walk's 10,000 objects the rest, `usage` too, became UNCHECKED.

const KEY = 'AIzaSyD-showing-0123456789abcdefghijklm';
const ANSWER_CHARS = 1000;
const SENDS = 8;

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

function chat() {
  let answered = 0;
  const fake = createFakeGemini({
    script: () => {
      answered += 1;
      const said = answered === 1 ? ` (my key is ${KEY})` : '';
      return turn.text(`answer ${answered}${said} ${'y'.repeat(ANSWER_CHARS)}`);
    },
  });
  closers.push(() => fake.close());
  const gemini = createGemini({ apiKey: KEY, retry: false, fetch: fake.fetch });
  const agent = createAgent({ gemini, model: 'gemini-3-flash-preview' });
  return {
    agent,
    session: createChatSession({ agent, store: createMemoryHistoryStore(), id: 'shown' }),
  };
}

const shown = <Usage>(result: { text: string; usage: Usage }) => ({
  text: result.text,
  usage: result.usage,
});

describe("a door's key filter on the part of the result it sends (leftovers61)", () => {
  it('scans the part it sends, never the old answer with the key; the key never leaves', async () => {
    const { session } = chat();
    const memo = createScanMemo();
    const scannedForResult: number[] = [];
    for (let index = 0; index < SENDS; index++) {
      const stream = keylessEventsShowing(session.sendStream(`question ${index}`), shown, memo);
      const sent: unknown[] = [];
      for await (const event of stream) sent.push(event);
      const before = memo.scannedChars;
      sent.push(await stream.result);
      scannedForResult.push(memo.scannedChars - before);
      expect(JSON.stringify(sent)).not.toContain(KEY);
    }
    // Each later result: its answer, once (~1,010 characters; the first, holding the key, is
    // scanned and then redacted). The whole result (keylessEvents) also scanned the first answer
    // at every send: 3,851 characters at the second send, measured.
    for (const count of scannedForResult.slice(1)) {
      expect(count).toBeGreaterThanOrEqual(ANSWER_CHARS);
      expect(count).toBeLessThan(ANSWER_CHARS * 1.5);
    }
  });

  it("keeps the usage of a thread past the walk's 10,000 objects", async () => {
    const { agent } = chat();
    // 4,000 earlier turns of three objects each (a Content, its parts, a part): 12,000 objects in
    // the result's contents, which come before its usage.
    const thread = [
      ...Array.from({ length: 4000 }, (_, index) => ({
        role: index % 2 === 0 ? ('user' as const) : ('model' as const),
        parts: [{ text: `turn ${index}` }],
      })),
      { role: 'user' as const, parts: [{ text: 'And now?' }] },
    ];
    const drained = async <T>(stream: AsyncIterable<unknown> & { result: Promise<T> }) => {
      for await (const _event of stream) {
        // Only the result is read.
      }
      return stream.result;
    };
    // The whole result, as before: its usage is past the bound, not checked, not sent.
    const whole = await drained(keylessEvents(agent.stream(thread)));
    expect(whole.usage).toBe(UNCHECKED);
    const sent = await drained(keylessEventsShowing(agent.stream(thread), shown));
    expect(sent.text).toContain('answer');
    expect(typeof sent.usage.promptTokenCount).toBe('number');
  });
});

// scrub48 (issue 53): the doors read `result` twice (door telemetry, then the door), and each read
// scrubbed it again; and the `run-end` event carried the whole thread, walked at every send to
// send a string.
describe('a door that sends part of the result, at each send (scrub48)', () => {
  it('scrubs the result once, however often it is read', async () => {
    const { session } = chat();
    const memo = createScanMemo();
    const stream = keylessEventsShowing(session.sendStream('question'), shown, memo);
    for await (const _event of stream) {
      // Drained: only the result is counted.
    }
    const first = await stream.result;
    const before = memo.scannedChars;
    const again = await stream.result;
    expect(memo.scannedChars - before).toBe(0);
    expect(again).toBe(first);
    expect(JSON.stringify(first)).not.toContain(KEY);
  });

  it('walks only the shown part of `run-end`; a key in it never leaves', async () => {
    const { session } = chat();
    const memo = createScanMemo();
    const scannedPerSend: number[] = [];
    for (let index = 0; index < SENDS; index++) {
      const before = memo.scannedChars;
      const stream = keylessEventsShowing(session.sendStream(`question ${index}`), shown, memo);
      const sent: unknown[] = [];
      for await (const event of stream) sent.push(event);
      sent.push(await stream.result);
      scannedPerSend.push(memo.scannedChars - before);
      const ended = sent.find((event) => (event as { type?: string }).type === 'run-end') as {
        result: object;
      };
      expect(Object.keys(ended.result).sort()).toEqual(['text', 'usage']);
      expect(JSON.stringify(sent)).not.toContain(KEY);
      if (index === 0) expect(JSON.stringify(ended.result)).toContain('[redacted]');
    }
    // A later send: its new answer a few times (the step's end, the run's end, the result:
    // 4,893 characters, measured), whatever the thread's length. With the whole `run-end`
    // (keylessEvents), the thread's turns and the first answer, holding the key, were walked
    // again at every send: 12,951 at the eighth, measured.
    for (const count of scannedPerSend.slice(1)) expect(count).toBeLessThan(ANSWER_CHARS * 6);
  });
});
