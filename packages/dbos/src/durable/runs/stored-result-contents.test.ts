// durable-chat54 (issue 53): a chat turn's result is stored without the thread its input already
// holds, and read back whole. Through JSON, as DBOS stores and reads both rows.

import { describe, expect, it } from 'vitest';
import {
  CONTENTS_FROM_KEY,
  leaveOutHistoryContents,
  rebuildStoredContents,
} from './stored-result-contents.ts';

const user = (text: string) => ({ role: 'user', parts: [{ text }] });
const model = (text: string, extra: Record<string, unknown> = {}) => ({
  role: 'model',
  parts: [{ text, ...extra }],
});

const history = [user('first'), model('One.', { thoughtSignature: 'c2ln' })];
const newContents = [user('second'), model('Two.')];
/** A result as the agent returns it: its contents are the history and its new contents. */
const result = (contents: unknown[] = [...history, ...newContents]) => ({
  text: 'Two.',
  contents,
  newContents,
  steps: [{ stepNumber: 1, text: 'Two.' }],
});

/** What the worker stores, written and read as JSON (DBOS's rows), then read back. */
function roundTrip(
  stored: object,
  input: unknown,
): { row: object; read: object; problem?: string } {
  const row = JSON.parse(JSON.stringify(stored)) as object;
  const read = JSON.parse(JSON.stringify(row)) as object;
  const problem = rebuildStoredContents(
    read,
    JSON.parse(JSON.stringify(input ?? null)) ?? undefined,
  );
  return { row, read, ...(problem === undefined ? {} : { problem }) };
}

describe('a run result stored without its history', () => {
  it('leaves out contents that are the history and the new contents, and reads them back whole', () => {
    const stored = result();
    leaveOutHistoryContents(stored, history);
    const { row, read, problem } = roundTrip(stored, history);
    expect(row).not.toHaveProperty('contents');
    expect(row).toHaveProperty(CONTENTS_FROM_KEY, 2);
    expect(problem).toBeUndefined();
    expect(read).toEqual(result());
    // Two lists, as JSON read them before: a caller that edits one does not edit the other.
    const back = read as { contents: unknown[]; newContents: unknown[] };
    expect(back.contents[2]).not.toBe(back.newContents[0]);
  });

  it('flattens a history of turns ({ contents, model }) as the agent reads it', () => {
    const turns = [{ contents: history, model: 'gemini-3-flash-preview' }];
    const stored = result();
    leaveOutHistoryContents(stored, turns);
    const { row, read } = roundTrip(stored, turns);
    expect(row).toHaveProperty(CONTENTS_FROM_KEY, 2);
    expect(read).toEqual(result());
  });

  it('stores a run without history as its new contents alone, read back without its input', () => {
    const stored = { ...result(newContents) };
    leaveOutHistoryContents(stored, undefined);
    expect(stored).not.toHaveProperty('contents');
    expect(stored).toHaveProperty(CONTENTS_FROM_KEY, 0);
    // No input given: a count of 0 needs none.
    const read = JSON.parse(JSON.stringify(stored)) as object;
    expect(rebuildStoredContents(read, undefined)).toBeUndefined();
    expect(read).toEqual(result(newContents));
  });

  it('keeps contents the agent rewrote: another model’s signatures dropped, input given as contents', () => {
    // The history's signature dropped by the agent (a turn of another model).
    const rewritten = result([user('first'), model('One.'), ...newContents]);
    leaveOutHistoryContents(rewritten, history);
    expect(rewritten).not.toHaveProperty(CONTENTS_FROM_KEY);
    expect(rewritten.contents).toHaveLength(4);
    // Old contents past the history (input given as contents): not history plus new contents.
    const longer = result([...history, user('given'), ...newContents]);
    leaveOutHistoryContents(longer, history);
    expect(longer).not.toHaveProperty(CONTENTS_FROM_KEY);
    // A new content that is not the contents' tail.
    const other = result([...history, user('second'), model('Other.')]);
    leaveOutHistoryContents(other, history);
    expect(other).not.toHaveProperty(CONTENTS_FROM_KEY);
  });

  it('reads a result stored whole (an older version’s) as it was stored, without its input', () => {
    const read = JSON.parse(JSON.stringify(result())) as object;
    expect(rebuildStoredContents(read, 'not read')).toBeUndefined();
    expect(read).toEqual(result());
  });

  it('names what is wrong with a forged count or an input without that history', () => {
    const marked = (count: unknown) => {
      const { contents: _contents, ...rest } = result();
      return { ...rest, [CONTENTS_FROM_KEY]: count };
    };
    expect(rebuildStoredContents(marked(-1), history)).toBe(
      'names -1 as its count of history contents (a whole number)',
    );
    expect(rebuildStoredContents(marked('2'), history)).toBe(
      'names "2" as its count of history contents (a whole number)',
    );
    const missing =
      "starts its contents with 3 contents of the run's history, which its input does not hold";
    expect(rebuildStoredContents(marked(3), history)).toBe(missing);
    expect(rebuildStoredContents(marked(3), 'edited')).toBe(missing);
    const { newContents: _new, ...withoutNew } = marked(2);
    expect(rebuildStoredContents(withoutNew, history)).toBe(
      'has no newContents to rebuild its contents from',
    );
  });
});
