import { createAgent, createGemini } from '@gemloop/core';
import type { ScanMemo } from '@gemloop/core/internal';
import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { listenForTest } from '../door/__fixtures__/serve-door.ts';
import { authorizeByKey, KEYS } from './__fixtures__/serve-openai.ts';
import { createOpenAIHandler } from './create-openai-handler.ts';

// leftovers61 (issue 53): the unary Responses door scrubbed the whole run result (the thread's
// history too) to send `result.text` and `usage`. An old answer that held the key was never
// found clean, so it was scanned (and copied) again at every later send, for a response that
// never carries it. Now only what the response carries is scanned; counted through the door's
// memo (`scannedChars`), which every scan it makes adds to.

const memos = vi.hoisted(() => [] as ScanMemo[]);
vi.mock('@gemloop/core/internal', async (importOriginal) => {
  const real = await importOriginal<typeof import('@gemloop/core/internal')>();
  return {
    ...real,
    createScanMemo: () => {
      const memo = real.createScanMemo();
      memos.push(memo);
      return memo;
    },
  };
});

const GEMINI_KEY = 'gemini-secret-key';
const ANSWER_CHARS = 1000;
const SENDS = 8;
const model = 'support-agent';
const answerOf = (index: number): string =>
  `answer ${index}${index === 1 ? ` (key=${GEMINI_KEY})` : ''} ${'y'.repeat(ANSWER_CHARS)}`;

async function serve() {
  let answered = 0;
  const fake = createFakeGemini({
    script: () => {
      answered += 1;
      return turn.text(answerOf(answered));
    },
  });
  onTestFinished(() => fake.close());
  const gemini = createGemini({ apiKey: GEMINI_KEY, retry: false, fetch: fake.fetch });
  const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });
  memos.length = 0;
  const handler = createOpenAIHandler({ agents: { [model]: agent }, authorize: authorizeByKey });
  const memo = memos.at(-1) as ScanMemo;
  const base = await listenForTest(handler);
  let previous: string | undefined;
  const send = async (): Promise<string> => {
    const response = await fetch(`${base}/v1/responses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEYS.alice}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model,
        input: 'Hi',
        ...(previous === undefined ? {} : { previous_response_id: previous }),
      }),
    });
    const text = await response.text();
    expect(response.status, text.slice(0, 300)).toBe(200);
    previous = (JSON.parse(text) as { id: string }).id;
    return text;
  };
  return { send, memo, fake };
}

describe('the unary Responses door scans what it sends (leftovers61)', () => {
  it('a key in the answer never reaches the client', async () => {
    const { send } = await serve();
    const first = await send();
    expect(first).toContain('answer 1 (key=[redacted])');
    expect(first).not.toContain(GEMINI_KEY);
  });

  it('a key only in the history (an old answer) costs no scan at the later sends', async () => {
    const { send, memo, fake } = await serve();
    const counts: number[] = [];
    const received: string[] = [];
    for (let index = 0; index < SENDS; index++) {
      const before = memo.scannedChars;
      received.push(await send());
      counts.push(memo.scannedChars - before);
    }
    // The thread kept the key's turn (the model got it back at the last send), the client never.
    expect(JSON.stringify(fake.requests.at(-1)?.body)).toContain(`key=${GEMINI_KEY}`);
    expect(received.join('\n')).not.toContain(GEMINI_KEY);
    expect(received.at(-1)).toContain(`answer ${SENDS}`);
    // Each send scans its own answer, once. Before, the whole result: the new answer twice (the
    // text and the history's turn) and the key's old answer again at every send: 6,626 at the
    // second send, measured with the old door.
    for (const count of counts.slice(1)) {
      expect(count).toBeGreaterThanOrEqual(ANSWER_CHARS);
      expect(count).toBeLessThan(ANSWER_CHARS * 1.5);
    }
  });
});
