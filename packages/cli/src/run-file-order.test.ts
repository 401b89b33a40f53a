import { describe, expect, it } from 'vitest';
import { newestRunFilesFirst } from './run-file-order.ts';

describe('newestRunFilesFirst', () => {
  it("puts the recorder's files first, newest first, then the other names", () => {
    const names = [
      'chat-a.jsonl',
      '2026-01-01T00-00-00-000Z-run-a.jsonl',
      'session-1.jsonl',
      '2026-03-01T00-00-00-000Z-run-c.jsonl',
      '2026-02-01T00-00-00-000Z-run-b.jsonl',
      '2026-notes.jsonl',
    ];
    expect(names.sort(newestRunFilesFirst)).toEqual([
      '2026-03-01T00-00-00-000Z-run-c.jsonl',
      '2026-02-01T00-00-00-000Z-run-b.jsonl',
      '2026-01-01T00-00-00-000Z-run-a.jsonl',
      'session-1.jsonl',
      'chat-a.jsonl',
      '2026-notes.jsonl',
    ]);
  });
});
