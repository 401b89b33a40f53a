import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryArtifactStore } from './artifact-store.ts';
import { createFileArtifactStore } from './create-file-artifact-store.ts';
import { readToolOutputTool } from './read-tool-output-tool.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gemloop-artifacts-'));
  dirs.push(dir);
  return dir;
}

/** Half of a surrogate pair without its other half. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const id = '0f8fad5b-d9cb-469f-a165-70867728950e';

describe('createFileArtifactStore', () => {
  it('keeps an artifact across store instances (a resumed process reads it back)', () => {
    const directory = join(tempDir(), 'nested');
    createFileArtifactStore({ directory }).put(id, '{"page":"é text"}');
    expect(createFileArtifactStore({ directory }).get(id)).toBe('{"page":"é text"}');
  });

  it('never turns a model-given id into a path, and bounds what it writes', () => {
    const outside = tempDir();
    writeFileSync(join(outside, 'secret.json'), 'do not read');
    const directory = tempDir();
    const store = createFileArtifactStore({ directory, maxBytes: 10 });
    expect(store.get(`../${outside.split('/').pop()}/secret`)).toBeUndefined();
    expect(store.get('../../etc/passwd')).toBeUndefined();
    store.put('../escape', 'x');
    store.put(id, 'more than ten bytes');
    expect(readdirSync(directory)).toEqual([]);
  });
});

describe('read_tool_output', () => {
  it('reads a bounded slice and says where it ended', async () => {
    const store = createMemoryArtifactStore();
    store.put(id, 'a'.repeat(50_000));
    const tool = readToolOutputTool(store);
    const context = { signal: new AbortController().signal, toolCallId: 'c1' } as never;
    expect(await tool.execute({ id, offset: 10, length: 1_000_000 }, context)).toMatchObject({
      offset: 10,
      end: 32_010,
      totalLength: 50_000,
      done: false,
    });
    expect(await tool.execute({ id: 'nope' }, context)).toEqual({
      error: 'No stored output with id "nope" (it was never kept, or was evicted).',
    });
  });

  it('never cuts a character in two: each slice is text the API takes, and the slices join up', async () => {
    // 😀 is two UTF-16 units; a slice ending or starting between them would hold half of it (a
    // lone surrogate, which JSON APIs refuse: "no low surrogate in string").
    const text = `a${'😀'.repeat(10)}`;
    const store = createMemoryArtifactStore();
    store.put(id, text);
    const tool = readToolOutputTool(store);
    const context = { signal: new AbortController().signal, toolCallId: 'c1' } as never;
    let offset = 0;
    let joined = '';
    for (let reads = 0; reads < 40; reads++) {
      const slice = (await tool.execute({ id, offset, length: 2 }, context)) as {
        text: string;
        end: number;
        done: boolean;
      };
      expect(slice.text).not.toMatch(LONE_SURROGATE);
      joined += slice.text;
      offset = slice.end;
      if (slice.done) break;
    }
    expect(joined).toBe(text);
    // An offset the model made up, inside a pair, starts at the whole character.
    const inside = (await tool.execute({ id, offset: 2, length: 1 }, context)) as {
      text: string;
      offset: number;
    };
    expect(inside).toMatchObject({ text: '😀', offset: 1 });
  });

  it('the memory store evicts the oldest past its bound', () => {
    const store = createMemoryArtifactStore({ maxBytes: 40 });
    store.put('a', '1234567890');
    store.put('b', '1234567890');
    expect(store.get('a')).toBe('1234567890');
    store.put('c', '1234567890');
    expect(store.get('a')).toBeUndefined();
    expect(store.get('c')).toBe('1234567890');
  });
});
