// attack55 (issue 53): the stored shape of durable-chat54 (a result without `contents`, rebuilt
// from its input's history) against an older reader and hostile values.
//
// An older reader: gemloop before this shape (122e6ef9) read a stored result with
// `restoreStoredResult` alone, which put back its shared strings (`restoreLongStrings`,
// unchanged since) and returned it: without `contents`, as if whole. A rolling upgrade's old
// client did exactly that (rolling-upgrade.attacks.test.ts, run against 122e6ef9).

import { describe, expect, it } from 'vitest';
import { restoreLongStrings, shareLongStrings } from '../events/shared-strings.ts';
import {
  CONTENTS_FROM_KEY,
  guardAgainstOlderReaders,
  historyContentsOf,
  leaveOutHistoryContents,
  OLDER_READER_GUARD,
  rebuildStoredContents,
} from './stored-result-contents.ts';
import { restoreStoredResult, SHARED_STRINGS_KEY } from './stored-run-data.ts';

const user = (text: string) => ({ role: 'user', parts: [{ text }] });
const model = (text: string) => ({ role: 'model', parts: [{ text }] });
const history = [user('first'), model('One.')];
const newContents = [user('second'), model('Two.')];

/** What the worker stores for a result (register-run-workflow.ts `storedResultOf`), as JSON. */
function storedRow(result: object, input: unknown): Record<string, unknown> {
  const stored = structuredClone(result) as Record<string, unknown>;
  leaveOutHistoryContents(stored, input);
  const shared = guardAgainstOlderReaders(stored, shareLongStrings(stored));
  if (shared !== undefined) stored[SHARED_STRINGS_KEY] = shared;
  return JSON.parse(JSON.stringify(stored)) as Record<string, unknown>;
}

/** 122e6ef9's read of a stored result: its shared strings put back, nothing else. */
function olderRead(row: Record<string, unknown>): string | undefined {
  if (!Object.hasOwn(row, SHARED_STRINGS_KEY)) return undefined;
  const shared = row[SHARED_STRINGS_KEY];
  delete row[SHARED_STRINGS_KEY];
  return restoreLongStrings(row, shared);
}

/** This version's read (wait-run-result.ts): shared strings, then contents from the input. */
function read(row: Record<string, unknown>, input: unknown): string | undefined {
  return restoreStoredResult(row) ?? rebuildStoredContents(row, input);
}

describe('a result stored without its contents, read by an older client', () => {
  const long = 'Order 7 shipped on Monday. '.repeat(60);
  it.each([
    ['a chat turn', { text: 'Two.', contents: [...history, ...newContents], newContents }, history],
    ['a first run (no history)', { text: 'Two.', contents: newContents, newContents }, undefined],
    [
      'a turn whose long text is shared',
      {
        text: long,
        contents: [...history, user('second'), model(long)],
        newContents: [user('second'), model(long)],
      },
      history,
    ],
  ])('%s: the older read refuses it, this one reads it whole', (_name, result, input) => {
    const older = storedRow(result, input);
    expect(older).not.toHaveProperty('contents');
    // Before: no problem, and a result without contents handed on.
    expect(olderRead(older)).toBe('names a shared string’s place that is not a path');
    const current = storedRow(result, input);
    expect(read(current, input)).toBeUndefined();
    expect(current).toEqual(result);
  });

  it('stores a result whose contents it keeps (rewritten by the agent) without the guard', () => {
    const result = { text: 'Two.', contents: [model('Other.'), ...newContents], newContents };
    const row = storedRow(result, history);
    expect(row).not.toHaveProperty(SHARED_STRINGS_KEY);
    expect(olderRead(row)).toBeUndefined();
    expect(row).toEqual(result);
  });

  it('still reads durable-chat54’s first shape (left out, no guard), and refuses a guard without a count', () => {
    const first = { text: 'Two.', newContents, [CONTENTS_FROM_KEY]: 2 };
    expect(read(first, history)).toBeUndefined();
    expect(first).toEqual({ text: 'Two.', contents: [...history, ...newContents], newContents });
    const forged = {
      text: 'x',
      contents: [],
      newContents: [],
      [SHARED_STRINGS_KEY]: { strings: [], at: [OLDER_READER_GUARD] },
    };
    expect(restoreStoredResult(forged)).toBe('names a shared string’s place that is not a path');
  });
});

describe('hostile stored values: a problem in words, never a wrong contents nor a thrown error', () => {
  const marked = (count: unknown) => ({ text: 'Two.', newContents, [CONTENTS_FROM_KEY]: count });
  it.each([
    ['fractional', 1.5, history, 'names 1.5 as its count of history contents (a whole number)'],
    ['null', null, history, 'names null as its count of history contents (a whole number)'],
    ['an object', { valueOf: 2 }, history, 'as its count of history contents (a whole number)'],
    ['past a safe integer', 2 ** 53, history, 'as its count of history contents (a whole number)'],
    ['larger than the history', 3, history, 'which its input does not hold'],
    [
      'over a history that is an object',
      2,
      { 0: user('a'), 1: user('b'), length: 2 },
      'which its input does not hold',
    ],
    ['over a history of null', 2, null, 'which its input does not hold'],
  ])('a count that is %s', (_name, count, input, problem) => {
    const result = marked(count);
    expect(rebuildStoredContents(result, input)).toContain(problem);
    expect(result).not.toHaveProperty('contents');
  });

  it('reads a history of one turn of 150,000 contents (a RangeError from every reader before)', () => {
    const many = Array.from({ length: 150_000 }, (_, index) => user(`m${index}`));
    const turns = [{ contents: many }];
    expect(historyContentsOf(turns)).toHaveLength(150_000);
    const result = { text: 'x', contents: [...many, model('x')], newContents: [model('x')] };
    const row = storedRow(result, turns);
    expect(row).toHaveProperty(CONTENTS_FROM_KEY, 150_000);
    expect(read(row, turns)).toBeUndefined();
    expect((row['contents'] as unknown[]).length).toBe(150_001);
  });
});
