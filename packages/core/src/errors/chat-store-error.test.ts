import { describe, expect, it } from 'vitest';
import type { Content } from '../wire/content.ts';
import { ChatHistoryCorruptError } from './chat-history-corrupt-error.ts';
import { ChatStoreError } from './chat-store-error.ts';
import { GemloopError } from './gemloop-error.ts';

const unsaved: Content[] = [
  { role: 'user', parts: [{ text: 'my card number is 4111 1111 1111 1111' }] },
  { role: 'model', parts: [{ text: 'noted', thoughtSignature: 'c2lnbmF0dXJl' }] },
];

describe('ChatStoreError', () => {
  it("keeps the turns that were not saved and the run's result for the caller", () => {
    const result = { text: 'noted' };
    const error = new ChatStoreError({
      message: 'append failed',
      operation: 'append',
      sessionId: 'chat-1',
      unsaved,
      result,
    });
    expect(error.unsaved).toBe(unsaved);
    expect(error.result).toBe(result);
    expect(error).toMatchObject({ operation: 'append', sessionId: 'chat-1', code: 'chat-store' });
  });

  it('keeps the turns out of logs: not enumerable, and toJSON gives only their count', () => {
    const error = new ChatStoreError({
      message: 'append failed',
      operation: 'append',
      sessionId: 'chat-1',
      unsaved,
      result: { text: 'secret answer' },
      cause: new Error('disk full'),
    });
    expect(Object.keys(error)).not.toContain('unsaved');
    expect(Object.keys(error)).not.toContain('result');
    const line = JSON.stringify(error);
    expect(line).not.toContain('4111');
    expect(line).not.toContain('secret answer');
    expect(line).not.toContain('c2lnbmF0dXJl');
    expect(JSON.parse(line)).toMatchObject({
      unsaved: { contents: 2 },
      operation: 'append',
      cause: { message: 'disk full' },
    });
  });

  it('has an empty unsaved list when nothing was left unsaved', () => {
    const error = new ChatStoreError({ message: 'load failed', operation: 'load', sessionId: 's' });
    expect(error.unsaved).toEqual([]);
    expect(error.toJSON()['unsaved']).toEqual({ contents: 0 });
  });

  it('recognises every store error, its subclasses included, from any copy of the package', () => {
    const corrupt = new ChatHistoryCorruptError({
      file: 'h.jsonl',
      line: 3,
      reason: 'not JSON',
      sessionId: 's',
    });
    expect(ChatStoreError.isInstance(corrupt)).toBe(true);
    expect(ChatHistoryCorruptError.isInstance(corrupt)).toBe(true);
    expect(ChatStoreError.isInstance(new GemloopError({ message: 'x' }))).toBe(false);
    // The chat store marker alone, without gemloop's, is not enough.
    const forged = new Error('x');
    Object.defineProperty(forged, Symbol.for('gemloop.chat-store-error'), { value: true });
    expect(ChatStoreError.isInstance(forged)).toBe(false);
  });
});

describe('ChatHistoryCorruptError', () => {
  it('names the file, the 1-based line and what is wrong, and how to recover', () => {
    const error = new ChatHistoryCorruptError({
      file: '/chats/a.jsonl',
      line: 17,
      reason: 'role is "assistant"',
      sessionId: 'a',
      cause: new SyntaxError('x'),
    });
    expect(error.message).toBe(
      'The chat history file /chats/a.jsonl is corrupt at line 17: role is "assistant". Fix or remove that line (each line is one JSON turn), or move the file away to start the conversation over.',
    );
    expect(error).toMatchObject({
      file: '/chats/a.jsonl',
      line: 17,
      operation: 'load',
      code: 'chat-history-corrupt',
    });
  });
});
