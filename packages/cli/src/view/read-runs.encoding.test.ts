import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { readRecordedFile } from '../eval/read-recorded-file.ts';
import { readRunLines, readRunSummaries } from './read-runs.ts';
import { startViewServer, type ViewServer } from './start-view-server.ts';

// A run, eval result or fork saved in another encoding (Windows-1252: "café" is the byte 0xE9).
// `gemloop replay`, `diff` and `eval compare` refuse such a file by name; the viewer read it as
// U+FFFD and showed text no run wrote. It now refuses it too, in the same words, on the page.

/** A temporary folder, removed when the test ends. */
async function folder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gemloop-view-encoding-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const WORDS =
  'is not UTF-8 (the file was saved in another encoding, such as Windows-1252); save it as UTF-8';
const ID = '2026-11-30T10-00-00-000Z-run';
const START = {
  type: 'run-start',
  format: 1,
  runId: 'run-1',
  agentName: 'agent',
  model: 'gemini-2.5-flash',
  streaming: false,
  at: 1,
  input: 'Hi',
};

/** A run of three lines whose second says "café" in Windows-1252 (one byte 0xE9). */
function latin1Run(): Buffer {
  return Buffer.concat([
    Buffer.from(`${JSON.stringify(START)}\n`),
    Buffer.from('{"type":"text-delta","text":"caf\xe9","at":2}\n', 'latin1'),
    Buffer.from('{"type":"run-end","outcome":"success","finishReason":"stop","at":3}\n'),
  ]);
}

describe('the viewer reads recorded files as the commands do', () => {
  it('a run file with a line not UTF-8: its row and its view say so, in replay’s words', async () => {
    const dir = await folder();
    await writeFile(join(dir, `${ID}.jsonl`), latin1Run());
    const [row] = await readRunSummaries(dir);
    expect(row).toMatchObject({ id: ID, outcome: 'unreadable', error: `line 2 ${WORDS}` });
    expect(await readRunLines(dir, ID)).toEqual({ problem: `line 2 ${WORDS}` });
    // The same words as the command that refuses it by name.
    await expect(readRecordedFile(`${ID}.jsonl`, dir, 'RUN_FILE', 1e6)).rejects.toThrow(
      `line 2 ${WORDS}.`,
    );
    // A large file's row judges its first line, read on its own.
    const big = await folder();
    const first = Buffer.from(`{"type":"run-start","agentName":"caf\xe9","at":1}\n`, 'latin1');
    await writeFile(join(big, `${ID}.jsonl`), Buffer.concat([first, Buffer.alloc(4096, 0x0a)]));
    const [bigRow] = await readRunSummaries(big, { limits: { listReadBytes: 1024 } });
    expect(bigRow).toMatchObject({ outcome: 'unreadable', error: `line 1 ${WORDS}` });
  });

  it('a file whose read throws is a row saying so by the error code, never its message (paths)', async () => {
    const dir = await folder();
    await writeFile(join(dir, `${ID}.jsonl`), `${JSON.stringify(START)}\n`);
    const failing = {
      filesOpened: 0,
      get bytesRead(): number {
        return 0;
      },
      set bytesRead(_value: number) {
        throw Object.assign(new Error(`EIO: i/o error, read '${dir}/secret-place'`), {
          code: 'EIO',
        });
      },
    };
    const [row] = await readRunSummaries(dir, { counters: failing });
    expect(row).toMatchObject({ id: ID, outcome: 'unreadable', error: 'cannot be read (EIO)' });
    expect(JSON.stringify(row)).not.toContain(dir);
  });

  it('a U+FFFD the file holds as UTF-8 is read as the character it is', async () => {
    const dir = await folder();
    const text = [START, { type: 'run-end', outcome: 'success', error: 'caf\uFFFD', at: 3 }]
      .map((line) => `${JSON.stringify(line)}\r`)
      .join('');
    await writeFile(join(dir, `${ID}.jsonl`), text);
    const run = await readRunLines(dir, ID);
    expect(run).toMatchObject({ lines: [{ type: 'run-start' }, { error: 'caf\uFFFD' }] });
  });

  it('the page: a refused eval or fork is listed with why, and its route answers 403 with the words', async () => {
    const root = await folder();
    const evals = join(root, 'evals');
    const forks = join(root, 'forks');
    await mkdir(evals);
    await mkdir(forks);
    const latin1 = Buffer.from('{\n"format": "gemloop-eval",\n"name": "caf\xe9"\n}\n', 'latin1');
    await writeFile(join(evals, 'latin1.json'), latin1);
    await writeFile(join(forks, 'latin1.json'), latin1);
    await writeFile(join(root, `${ID}.jsonl`), latin1Run());
    const server: ViewServer = await startViewServer({
      dir: root,
      evalsDir: evals,
      forksDir: forks,
    });
    onTestFinished(() => server.close());
    const get = (path: string) => fetch(new URL(path, server.url));
    expect(await (await get('/api/evals')).json()).toEqual([
      { id: 'latin1', problem: `line 3 ${WORDS}` },
    ]);
    expect(await (await get('/api/forks')).json()).toEqual([
      { id: 'latin1', problem: `line 3 ${WORDS}` },
    ]);
    for (const path of ['/api/evals/latin1', '/api/forks/latin1', `/api/runs/${ID}`]) {
      const answer = await get(path);
      const body = await answer.text();
      expect([path, answer.status]).toEqual([path, 403]);
      expect(JSON.parse(body)).toEqual({ error: expect.stringMatching(/^line \d is not UTF-8 /) });
      // Nothing of the folder's path reaches the page.
      expect(body).not.toContain(root);
    }
  });
});
