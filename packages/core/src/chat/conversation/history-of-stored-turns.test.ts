import { describe, expect, it } from 'vitest';
import type { ChatTurn } from '../history-store.ts';
import { historyOfStoredTurns } from './history-of-stored-turns.ts';

// The one reading of a stored conversation that sendDurableChatTurn (@gemloop/dbos) and the
// durable A2A door (@gemloop/serve) share: flat when every turn is the agent's model's, tagged by
// model otherwise, and the holder a hand-off left.

const turn = (text: string, extra: Partial<ChatTurn> = {}): ChatTurn => ({
  contents: [
    { role: 'user', parts: [{ text }] },
    { role: 'model', parts: [{ text: `re: ${text}` }] },
  ],
  ...extra,
});

describe('historyOfStoredTurns', () => {
  it("sends the turns flat when every one is the agent's model's, or no model is given", () => {
    const turns = [
      turn('a', { model: 'gemini-3-flash-preview' }),
      turn('b', { model: 'gemini-3-flash-preview' }),
    ];
    const flat = turns.flatMap((each) => each.contents);
    expect(historyOfStoredTurns(turns, 'gemini-3-flash-preview')).toEqual({ history: flat });
    expect(historyOfStoredTurns([turn('a'), turn('b', { model: 'other' })], undefined)).toEqual({
      history: [...turn('a').contents, ...turn('b').contents],
    });
    expect(historyOfStoredTurns([], 'gemini-3-flash-preview')).toEqual({ history: [] });
  });

  it("tags each turn with its model when one is another model's (a turn without one: 'unknown')", () => {
    const turns = [
      turn('a', { model: 'gemini-3-flash-preview' }),
      turn('b', { model: 'gemini-2.5-pro' }),
      turn('c'),
    ];
    expect(historyOfStoredTurns(turns, 'gemini-3-flash-preview').history).toEqual([
      { contents: turns[0]?.contents, model: 'gemini-3-flash-preview' },
      { contents: turns[1]?.contents, model: 'gemini-2.5-pro' },
      { contents: turns[2]?.contents, model: 'unknown' },
    ]);
  });

  it('names the agent the last turn left the conversation with, and none for an empty name', () => {
    expect(
      historyOfStoredTurns(
        [turn('a', { agent: 'triage' }), turn('b', { agent: 'billing' })],
        undefined,
      ).holder,
    ).toBe('billing');
    expect(
      historyOfStoredTurns([turn('a', { agent: 'billing' }), turn('b', { agent: '' })], undefined),
    ).not.toHaveProperty('holder');
  });
});
