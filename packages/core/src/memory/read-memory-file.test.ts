import { describe, expect, it } from 'vitest';
import { MemoryError } from './memory-error.ts';
import { parseMemoryFile, parseMemoryLine } from './read-memory-file.ts';

const record = {
  id: 'm1',
  scope: 'ana',
  kind: 'fact',
  text: 'Ana likes tea 🍵.',
  createdAt: '2026-11-26T00:00:00.000Z',
  updatedAt: '2026-11-26T00:00:00.000Z',
  embedding: [0.25, -0.5],
};

describe('parseMemoryLine', () => {
  it('reads a record line, metadata included', () => {
    const line = JSON.stringify({ ...record, metadata: { source: 'chat', nested: { a: [1] } } });
    expect(parseMemoryLine(line)).toEqual({
      ...record,
      metadata: { source: 'chat', nested: { a: [1] } },
    });
  });

  it('says why a line is not a record, without quoting the memory text', () => {
    const cases: [string, string][] = [
      ['{"id":', 'not JSON'],
      ['[1,2]', 'not an object'],
      ['null', 'not an object'],
      ['"text"', 'not an object'],
      [JSON.stringify({ ...record, id: '' }), 'no string `id`'],
      [JSON.stringify({ ...record, scope: 7 }), 'no string `scope`'],
      [JSON.stringify({ ...record, kind: 'opinion' }), 'a `kind` other than fact or episode'],
      [JSON.stringify({ ...record, embedding: [] }), 'no `embedding` of finite numbers'],
      [JSON.stringify({ ...record, embedding: ['1'] }), 'no `embedding` of finite numbers'],
      [JSON.stringify({ ...record, embedding: undefined }), 'no `embedding` of finite numbers'],
      [JSON.stringify({ ...record, metadata: [1] }), 'a `metadata` that is not an object'],
      [JSON.stringify({ ...record, metadata: null }), 'a `metadata` that is not an object'],
    ];
    for (const [line, reason] of cases) expect(parseMemoryLine(line), line).toBe(reason);
  });

  it('refuses a planted __proto__ or any unknown field, quoting at most 40 characters of its name', () => {
    const planted = `{"__proto__":{"polluted":true},${JSON.stringify(record).slice(1)}`;
    expect(parseMemoryLine(planted)).toBe('an unknown field "__proto__"');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    const longName = 'k'.repeat(500);
    expect(parseMemoryLine(JSON.stringify({ ...record, [longName]: 1 }))).toBe(
      `an unknown field "${'k'.repeat(40)}"`,
    );
  });

  it('keeps a metadata key named __proto__ as data, never as the prototype', () => {
    const line = `${JSON.stringify(record).slice(0, -1)},"metadata":{"__proto__":{"admin":true}}}`;
    const parsed = parseMemoryLine(line);
    expect(typeof parsed).toBe('object');
    const metadata = (parsed as { metadata: Record<string, unknown> }).metadata;
    expect(Object.getPrototypeOf(metadata)).toBe(Object.prototype);
    expect(Object.hasOwn(metadata, '__proto__')).toBe(true);
    expect((metadata as { admin?: unknown }).admin).toBeUndefined();
  });

  it('reads numbers JSON cannot hold as not finite (1e400 is Infinity)', () => {
    const line = JSON.stringify(record).replace('[0.25,-0.5]', '[1e400,0]');
    expect(parseMemoryLine(line)).toBe('no `embedding` of finite numbers');
  });
});

describe('parseMemoryFile', () => {
  it('reads every record in order, skipping blank lines and a CRLF ending', () => {
    const second = { ...record, id: 'm2', text: 'Second.' };
    const text = `${JSON.stringify(record)}\r\n\n   \n${JSON.stringify(second)}\n`;
    expect(parseMemoryFile(text, { path: 'memories.jsonl', operation: 'list' })).toEqual([
      record,
      second,
    ]);
  });

  it('fails the whole read on one bad line, naming the file and line but not the text', () => {
    const secret = { ...record, id: 'm2', text: 'My password is hunter2.', kind: 'secret' };
    const text = `${JSON.stringify(record)}\n${JSON.stringify(secret)}\n`;
    let error: unknown;
    try {
      parseMemoryFile(text, { path: '/data/memories.jsonl', operation: 'search' });
    } catch (thrown) {
      error = thrown;
    }
    expect(MemoryError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ operation: 'search', path: '/data/memories.jsonl' });
    expect((error as Error).message).toContain('line 2 has a `kind` other than fact or episode');
    expect((error as Error).message).not.toContain('hunter2');
  });

  it('reads an empty file as no records', () => {
    expect(parseMemoryFile('', { path: 'x', operation: 'list' })).toEqual([]);
    expect(parseMemoryFile('\n\n', { path: 'x', operation: 'list' })).toEqual([]);
  });
});
