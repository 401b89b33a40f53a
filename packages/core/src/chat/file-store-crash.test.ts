import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGuarded } from '../../../../scripts/start-guarded.ts';
import { cleanUp, recordingLogger, temporaryDirectory } from './__fixtures__/chat-fixtures.ts';
import { compileFileStore } from './__fixtures__/compile-file-store.ts';
import { createFileHistoryStore } from './create-file-history-store.ts';

// Real crashes: a child process appends through the file store and is killed with SIGKILL (no
// cleanup runs). Node 20 cannot run TypeScript, so the store is compiled to JavaScript first with
// the repository's own compiler, from the same sources the other tests import.

const child = fileURLToPath(new URL('./__fixtures__/append-and-die.mjs', import.meta.url));
let storeModule: string;

beforeAll(async () => {
  storeModule = await compileFileStore();
}, 60_000);
afterAll(cleanUp);

function run(file: string, mode: 'half-write' | 'loop') {
  // The 'loop' writer appends until killed: gone with this test process however that ends.
  const process_ = startGuarded(process.execPath, [child, storeModule, file, mode]);
  let stdout = '';
  let stderr = '';
  process_.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  process_.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ signal: NodeJS.Signals | null; code: number | null }>((resolve) => {
    process_.on('exit', (code, signal) => resolve({ code, signal }));
  });
  return { process: process_, exited, output: () => ({ stdout, stderr }) };
}

describe('the file store when the writing process is killed', () => {
  it('loses only the turn being written when the process dies in the middle of its line', async () => {
    const file = join(await temporaryDirectory(), 'chat.jsonl');
    const writer = run(file, 'half-write');

    const { signal } = await writer.exited;

    expect({ signal, ...writer.output() }).toEqual({ signal: 'SIGKILL', stdout: '', stderr: '' });
    const bytes = await readFile(file);
    const committed = bytes.lastIndexOf(0x0a) + 1;
    // Really torn: half of the second line is on disk after the first line's newline.
    expect(bytes.length - committed).toBeGreaterThan(40_000);
    const store = createFileHistoryStore({ path: file });
    const logger = recordingLogger();
    const turns = await store.load('s', { logger });
    expect(turns.map((turn) => turn.createdAt)).toEqual([0]);
    expect(logger.lines.map((line) => line.level)).toEqual(['warn']);

    await store.append(
      's',
      { contents: [{ role: 'user', parts: [{ text: 'After' }] }] },
      { logger },
    );

    const after = await store.load('s', { logger: recordingLogger() });
    expect(after.map((turn) => turn.contents[0]?.parts[0]?.text)).toEqual(['Question 0', 'After']);
    expect((await readFile(file, 'utf8')).split('\n')).toHaveLength(3);
  });

  it('keeps every confirmed turn, whole and in order, whenever the process is killed', async () => {
    for (const killAfter of [1, 3, 6]) {
      const file = join(await temporaryDirectory(), 'chat.jsonl');
      const writer = run(file, 'loop');
      await new Promise<void>((resolve) => {
        writer.process.stdout?.on('data', () => {
          if (writer.output().stdout.includes(`saved ${killAfter}\n`)) resolve();
        });
      });
      writer.process.kill('SIGKILL');
      await writer.exited;
      const confirmed = writer.output().stdout.split('\n').filter(Boolean).length;

      const turns = await createFileHistoryStore({ path: file }).load('s', {
        logger: recordingLogger(),
      });

      expect(turns.length).toBeGreaterThanOrEqual(confirmed);
      expect(turns.map((turn) => turn.createdAt)).toEqual(turns.map((_, index) => index));
      for (const turn of turns) {
        expect(turn.contents[1]?.parts[0]?.text).toHaveLength(
          `Answer ${turn.createdAt} `.length + 400_000,
        );
      }
    }
  }, 60_000);
});
