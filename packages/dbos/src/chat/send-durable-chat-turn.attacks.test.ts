import type { ChatTurn } from '@gemloop/core/chat';
import { describe, expect, it } from 'vitest';
import { checkRunId } from '../durable/runs/check-runs-arguments.ts';
import type { DurableRuns } from '../durable/runs/durable-runs.ts';
import { MAX_ID_BYTES } from '../postgres/check-id.ts';
import type { PostgresHistoryStore } from './create-postgres-history-store.ts';
import { sendDurableChatTurn } from './send-durable-chat-turn.ts';

// Outside attacks on a durable chat turn (attack13): the session id is the caller's (a user's id,
// a thread id from a protocol client), and the store takes any id up to MAX_ID_BYTES. The run id
// made from it must be one `runs.start` takes, the same for the same session and turn (a send
// repeated after a crash finds its run), and another for another session.

/** A store holding `turns` for every session, and runs that check the id as `runs.start` does. */
function doubles(turns: ChatTurn[] = []) {
  const started: string[] = [];
  const appended: string[] = [];
  const store = {
    load: async () => turns,
    append: async (id: string) => {
      appended.push(id);
    },
  } as unknown as PostgresHistoryStore;
  const runs = {
    start: async (_agent: string, { runId }: { runId: string }) => {
      checkRunId(runId);
      started.push(runId);
      return { runId };
    },
    result: async () => ({
      newContents: [],
      steps: [],
      text: 'ok',
      usage: { promptTokenCount: 0, candidatesTokenCount: 0, totalTokenCount: 0 },
    }),
  } as unknown as DurableRuns;
  return { store, runs, started, appended };
}

const send = (d: ReturnType<typeof doubles>, sessionId: string) =>
  sendDurableChatTurn({ runs: d.runs, store: d.store, sessionId, agent: 'a', message: 'hi' });

describe('sendDurableChatTurn: session ids the store takes', () => {
  it('keeps the readable run id of a short session id', async () => {
    const d = doubles([{ contents: [] }, { contents: [] }]);
    await send(d, 'user-42');
    expect(d.started).toEqual(['user-42:turn-2']);
  });

  it.each([
    ['ASCII', 'u'.repeat(MAX_ID_BYTES)],
    ['four-byte characters', '😀'.repeat(MAX_ID_BYTES / 4)],
    ['four-byte characters after one byte', `a${'😀'.repeat(MAX_ID_BYTES / 4 - 1)}`],
    ['just under the run id limit', 'v'.repeat(MAX_ID_BYTES - ':turn-0'.length + 1)],
  ])(
    'starts a run for a session id of %s at the store limit, the same id again for the same turn',
    async (_label, sessionId) => {
      const d = doubles();
      await send(d, sessionId);
      await send(d, sessionId);
      expect(d.appended).toEqual([sessionId, sessionId]);
      expect(d.started[0]).toBe(d.started[1]);
      expect(Buffer.byteLength(d.started[0] as string)).toBeLessThanOrEqual(MAX_ID_BYTES);
      expect(d.started[0]).toMatch(/:turn-0$/);
      // No half of a surrogate pair (in `u` mode a pair is one code point, outside the range).
      expect(d.started[0]).not.toMatch(/[\uD800-\uDFFF]/u);
    },
  );

  it('gives two long session ids that differ only at the end two runs', async () => {
    const d = doubles();
    const base = 'w'.repeat(MAX_ID_BYTES - 1);
    await send(d, `${base}1`);
    await send(d, `${base}2`);
    expect(new Set(d.started).size).toBe(2);
  });
});
