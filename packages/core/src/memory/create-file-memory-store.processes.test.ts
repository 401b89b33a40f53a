import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGuarded } from '../../../../scripts/run-guarded.ts';
import { createFileMemoryStore } from './create-file-memory-store.ts';
import { parseMemoryFile } from './read-memory-file.ts';

// Two processes (three stores each) change one memory file at once. Each change read the file,
// edited its copy and renamed a new file over it, serialised only within its store: a change
// made between another's read and rename was dropped by that rename (adds lost, deletes undone).
// The stores now take the file's lock for each change.

const fixture = fileURLToPath(new URL('./__fixtures__/memory-writer.ts', import.meta.url));
let directory: string;
let program: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'gemloop-memory-writers-'));
  program = join(directory, 'memory-writer.mjs');
  await build({
    entryPoints: [fixture],
    outfile: program,
    bundle: true,
    platform: 'node',
    format: 'esm',
    conditions: ['@gemloop/source'],
    logLevel: 'silent',
  });
}, 60_000);
afterAll(() => rm(directory, { recursive: true, force: true }));

describe('createFileMemoryStore on one path in two processes', () => {
  it('loses no add and undoes no delete: every kept memory once, the file whole, no lock or temporary file left', async () => {
    const folder = await mkdtemp(join(directory, 'run-'));
    const path = join(folder, 'memories.jsonl');
    const writers = ['a', 'b'];
    // Both waited for, a failed one too (its partner still writes in the folder).
    const outcomes = await Promise.allSettled(
      writers.map((name) =>
        runGuarded(process.execPath, [program, path, name, '60', String(writers.length)]),
      ),
    );
    const kept = outcomes.flatMap((outcome) => {
      if (outcome.status === 'rejected') throw outcome.reason;
      return JSON.parse(outcome.value.stdout) as string[];
    });
    expect(kept).toHaveLength(60);
    const store = createFileMemoryStore({ path });
    const listed = (await Promise.all(['u0', 'u1', 'u2'].map((scope) => store.list(scope)))).flat();
    expect(listed.map(({ id }) => id).sort()).toEqual([...kept].sort());
    // Whole lines only, each a record, each id once.
    const records = parseMemoryFile(await readFile(path, 'utf8'), { path, operation: 'list' });
    expect(new Set(records.map(({ id }) => id)).size).toBe(records.length);
    expect(records).toHaveLength(60);
    expect((await readdir(folder)).filter((file) => !file.startsWith('ready-')).sort()).toEqual([
      'memories.jsonl',
    ]);
  }, 300_000);
});
