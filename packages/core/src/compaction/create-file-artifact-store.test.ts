import { execFileSync } from 'node:child_process';
import {
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { startGuarded } from '../../../../scripts/start-guarded.ts';
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

describe('createFileArtifactStore on planted files', () => {
  const other = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

  it('never reads through a symlink (one out of the folder, one to /dev/zero): it reads as missing', () => {
    const outside = tempDir();
    writeFileSync(join(outside, 'secret.txt'), 'do not read');
    const directory = tempDir();
    symlinkSync(join(outside, 'secret.txt'), join(directory, `${id}.json`));
    symlinkSync('/dev/zero', join(directory, `${other}.json`));
    const store = createFileArtifactStore({ directory });
    expect(store.get(id)).toBeUndefined();
    expect(store.get(other)).toBeUndefined();
  });

  it('never blocks on a FIFO named like an artifact', () => {
    const directory = tempDir();
    const fifo = join(directory, `${id}.json`);
    execFileSync('mkfifo', [fifo]);
    // Hang guard: a store that opened the FIFO blockingly would wait for ever for a writer; this
    // one opens it for writing after a while (and writes nothing), so such a store gets '' and
    // the assertion fails instead of the worker hanging.
    // Its `: >` waits for a reader forever once the test is gone: it goes with the test process.
    const rescuer = startGuarded('sh', ['-c', `sleep 20; : > '${fifo}'`], {
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    onTestFinished(() => {
      rescuer.kill('SIGKILL');
    });
    expect(createFileArtifactStore({ directory }).get(id)).toBeUndefined();
  });

  it('a write replaces a planted symlink instead of writing through it', () => {
    const outside = tempDir();
    const victim = join(outside, 'victim.txt');
    writeFileSync(victim, 'untouched');
    const directory = tempDir();
    symlinkSync(victim, join(directory, `${id}.json`));
    const store = createFileArtifactStore({ directory });
    store.put(id, '{"result":"kept"}');
    expect(readFileSync(victim, 'utf8')).toBe('untouched');
    expect(lstatSync(join(directory, `${id}.json`)).isFile()).toBe(true);
    expect(store.get(id)).toBe('{"result":"kept"}');
    expect(readdirSync(directory)).toEqual([`${id}.json`]);
  });

  it('reads at most maxBytes of a file grown past it on disk', () => {
    const directory = tempDir();
    writeFileSync(join(directory, `${id}.json`), 'x'.repeat(64));
    expect(createFileArtifactStore({ directory, maxBytes: 63 }).get(id)).toBeUndefined();
    expect(createFileArtifactStore({ directory, maxBytes: 64 }).get(id)).toBe('x'.repeat(64));
  });
});
