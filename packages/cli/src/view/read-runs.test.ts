import { execFileSync } from 'node:child_process';
import {
  appendFile,
  mkdir,
  mkdtemp,
  open,
  rm,
  symlink,
  truncate,
  writeFile,
} from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { SubagentError, subagent } from '@gemloop/core/composition';
import { createRunRecorder } from '@gemloop/core/recorder';
import { createFakeGemini, googleError, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_VIEW_LIMITS,
  type ReadCounters,
  type RunListCache,
  readRunLines,
  readRunSummaries,
} from './read-runs.ts';
import { startViewServer, type ViewServer } from './start-view-server.ts';

// Real files of every kind a runs folder can hold: huge sparse files, FIFOs, symlinks to devices
// and out of the folder, and run files with odd field types. What is asserted is what the viewer
// reads (bytes, files), the rows it returns and that each response arrives, never memory.

const dirs: string[] = [];
const servers: ViewServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function folder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gemloop-view-read-'));
  dirs.push(dir);
  return dir;
}

const counters = (): ReadCounters => ({ bytesRead: 0, filesOpened: 0 });

type Fields = Record<string, unknown>;

function runText(
  startedAt: number,
  { start = {}, end = {} }: { start?: Fields; end?: Fields | null } = {},
): string {
  const lines: Fields[] = [
    {
      type: 'run-start',
      format: 1,
      runId: `run-${startedAt}`,
      agentName: 'agent',
      model: 'gemini-2.5-flash',
      streaming: false,
      at: startedAt,
      input: 'Hi',
      ...start,
    },
    { type: 'tool-call-start', stepNumber: 1, toolName: 'get_weather', at: startedAt + 1 },
    { type: 'step-end', stepNumber: 1, usage: { totalTokenCount: 10 }, at: startedAt + 2 },
  ];
  if (end !== null)
    lines.push({
      type: 'run-end',
      outcome: 'success',
      finishReason: 'stop',
      usage: { totalTokenCount: 12 },
      at: startedAt + 3,
      ...end,
    });
  return lines.map((line) => `${JSON.stringify(line)}\n`).join('');
}

function idAt(startedAt: number, suffix = 'run'): string {
  return `${new Date(startedAt).toISOString().replace(/[:.]/g, '-')}-${suffix}`;
}

async function writeRun(dir: string, startedAt: number, options?: Parameters<typeof runText>[1]) {
  const id = idAt(startedAt);
  await writeFile(join(dir, `${id}.jsonl`), runText(startedAt, options));
  return id;
}

async function serve(dir: string, read: ReadCounters): Promise<ViewServer> {
  const server = await startViewServer({ dir, counters: read });
  servers.push(server);
  return server;
}

function get(server: ViewServer, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, server.url), (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const T = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
const MIB = 1024 * 1024;

describe('the viewer reading a runs folder', () => {
  it('reads a 600 MiB run file only at its head and tail for the list, and at most maxViewBytes to show it', async () => {
    const dir = await folder();
    const id = await writeRun(dir, T, { end: null });
    const path = join(dir, `${id}.jsonl`);
    // Sparse: 600 MiB on paper, a few bytes on disk; its closing lines at the very end.
    const size = 600 * MIB;
    const ending = `\n${JSON.stringify({ type: 'step-end', stepNumber: 7, at: T + 50 })}\n${JSON.stringify({ type: 'run-end', outcome: 'success', finishReason: 'stop', at: T + 60 })}\n`;
    await truncate(path, size - Buffer.byteLength(ending));
    await appendFile(path, ending);
    const read = counters();
    const server = await serve(dir, read);

    const list = await get(server, '/api/runs');
    expect(list.status).toBe(200);
    const [row] = JSON.parse(list.body) as Fields[];
    expect(row).toMatchObject({ id, outcome: 'success', steps: 7, partial: true, durationMs: 60 });
    expect(read.bytesRead).toBeLessThanOrEqual(
      DEFAULT_VIEW_LIMITS.listHeadBytes + DEFAULT_VIEW_LIMITS.listReadBytes,
    );

    read.bytesRead = 0;
    const view = await get(server, `/api/runs/${id}`);
    expect(view.status).toBe(200);
    const lines = JSON.parse(view.body) as Fields[];
    expect(lines[0]).toMatchObject({ type: 'run-start', model: 'gemini-2.5-flash' });
    expect(lines.at(-1)).toMatchObject({ type: 'truncated', by: 'viewer' });
    expect(lines.at(-1)?.['reason']).toContain('600.0 MiB');
    expect(read.bytesRead).toBe(DEFAULT_VIEW_LIMITS.maxViewBytes);
  });

  it('answers at once with a FIFO named like a run in the folder: a row marked unreadable, a 403 to show it', async () => {
    const dir = await folder();
    await writeRun(dir, T);
    const fifo = idAt(T + 1000, 'fifo');
    execFileSync('mkfifo', [join(dir, `${fifo}.jsonl`)]);
    const server = await serve(dir, counters());
    // Nothing ever writes to the FIFO: a read of it would never end.
    const rows = JSON.parse((await get(server, '/api/runs')).body) as Fields[];
    expect(rows.map((row) => [row['id'], row['outcome']])).toEqual([
      [fifo, 'unreadable'],
      [idAt(T), 'success'],
    ]);
    expect(rows[0]?.['error']).toContain('not a regular file');
    const view = await get(server, `/api/runs/${fifo}`);
    expect(view.status).toBe(403);
    expect(view.body).toContain('not a regular file');
  });

  it('never reads through a symlink to /dev/zero or out of the folder; follows one inside it', async () => {
    const dir = await folder();
    const outside = await folder();
    const secretId = await writeRun(outside, T, { start: { agentName: 'outside-secret' } });
    const id = await writeRun(dir, T);
    const zero = idAt(T + 1000, 'zero');
    await symlink('/dev/zero', join(dir, `${zero}.jsonl`));
    const out = idAt(T + 2000, 'out');
    await symlink(join(outside, `${secretId}.jsonl`), join(dir, `${out}.jsonl`));
    const inside = idAt(T + 3000, 'inside');
    await symlink(join(dir, `${id}.jsonl`), join(dir, `${inside}.jsonl`));
    const read = counters();
    const server = await serve(dir, read);

    const rows = JSON.parse((await get(server, '/api/runs')).body) as Fields[];
    expect(rows.map((row) => [row['id'], row['outcome']])).toEqual([
      [inside, 'success'],
      [out, 'unreadable'],
      [zero, 'unreadable'],
      [id, 'success'],
    ]);
    expect(rows[1]?.['error']).toContain('outside the runs folder');
    // Only the run file itself was read, twice (once through the symlink inside the folder).
    expect(read.bytesRead).toBe(2 * Buffer.byteLength(runText(T)));
    for (const bad of [zero, out]) {
      const view = await get(server, `/api/runs/${bad}`);
      expect(view.status).toBe(403);
      expect(view.body).not.toContain('outside-secret');
    }
    expect((await get(server, `/api/runs/${inside}`)).status).toBe(200);
  });

  it('shows a run with odd field types as one row with those fields unknown; a broken file is one unreadable row', async () => {
    const dir = await folder();
    const good = await writeRun(dir, T);
    const odd = idAt(T + 1000, 'odd');
    await writeFile(
      join(dir, `${odd}.jsonl`),
      runText(T + 1000, {
        start: { model: { name: 'gemini' }, agentName: 5, runId: [], at: 'soon', streaming: 'yes' },
        end: { usage: 'lots', error: 42, outcome: { ok: true }, finishReason: null },
      }),
    );
    const broken = idAt(T + 2000, 'broken');
    await writeFile(join(dir, `${broken}.jsonl`), 'this is not JSON\n');
    await mkdir(join(dir, `${idAt(T + 3000, 'folder')}.jsonl`));
    // A user's JSON lines (not a run) and an empty run file just created: not listed.
    await writeFile(join(dir, 'data.jsonl'), '{"prompt":"hi"}\n');
    await writeFile(join(dir, `${idAt(T + 4000, 'new')}.jsonl`), '');

    const rows = await readRunSummaries(dir);
    expect(rows.map((row) => [row.id, row.outcome])).toEqual([
      [idAt(T + 3000, 'folder'), 'unreadable'],
      [broken, 'unreadable'],
      [odd, 'success'],
      [good, 'success'],
    ]);
    expect(rows[2]).toMatchObject({
      model: 'unknown',
      agentName: undefined,
      runId: '',
      // The start time from the file name, the at of the start line being a string.
      startedAt: T + 1000,
      streaming: false,
      totalTokens: 10,
      error: 'Error: ',
    });
    for (const row of rows) {
      expect(typeof row.model).toBe('string');
      expect(typeof row.totalTokens).toBe('number');
      expect(Number.isFinite(row.durationMs)).toBe(true);
    }
  });

  it('reads a run file saved with a byte-order mark and CRLF line ends (an editor on Windows) as the run it is (attack24)', async () => {
    const dir = await folder();
    const id = idAt(T, 'edited');
    // RFC 8259 section 8.1: a parser MAY ignore a byte-order mark; the recorder never writes one.
    await writeFile(join(dir, `${id}.jsonl`), `\uFEFF${runText(T).split('\n').join('\r\n')}`);
    const rows = await readRunSummaries(dir);
    expect(rows.map((row) => [row.id, row.outcome, row.model])).toEqual([
      [id, 'success', 'gemini-2.5-flash'],
    ]);
    const run = await readRunLines(dir, id);
    expect(run !== undefined && 'lines' in run ? run.lines[0]?.['type'] : run).toBe('run-start');
  });

  it.each([
    ['CR-only line ends (an old Mac editor)', (text: string) => `${text.split('\n').join('\r')}\r`],
    [
      'CRLF, LF and CR mixed',
      (text: string) =>
        text
          .split('\n')
          .map((line, index) => line + (['\r\n', '\n', '\r'][index % 3] as string))
          .join(''),
    ],
  ])('reads a run file with %s as the run it is (leftovers33)', async (_name, rewrite) => {
    const dir = await folder();
    const id = idAt(T, 'old-mac');
    // A raw CR never occurs inside a JSON string (RFC 8259 section 7 escapes it): it ends a line.
    await writeFile(join(dir, `${id}.jsonl`), rewrite(runText(T).trimEnd()));
    const rows = await readRunSummaries(dir);
    expect(rows.map((row) => [row.id, row.outcome, row.model])).toEqual([
      [id, 'success', 'gemini-2.5-flash'],
    ]);
    const run = await readRunLines(dir, id);
    expect(
      run !== undefined && 'lines' in run ? run.lines.map((line) => line['type']) : run,
    ).toEqual(
      runText(T)
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line).type),
    );
  });

  it('re-reads only the files that changed since the last poll', async () => {
    const dir = await folder();
    for (let index = 0; index < 5; index++) await writeRun(dir, T + index * 1000);
    const cache: RunListCache = new Map();
    const first = counters();
    const rows = await readRunSummaries(dir, { cache, counters: first });
    expect(rows).toHaveLength(5);
    expect(first.bytesRead).toBe(5 * Buffer.byteLength(runText(T)));

    const unchanged = counters();
    expect(await readRunSummaries(dir, { cache, counters: unchanged })).toEqual(rows);
    expect(unchanged.bytesRead).toBe(0);

    const live = join(dir, `${idAt(T + 2000)}.jsonl`);
    const handle = await open(live, 'a');
    await handle.write(`${JSON.stringify({ type: 'step-end', stepNumber: 2, at: T + 2010 })}\n`);
    await handle.close();
    const changed = counters();
    const again = await readRunSummaries(dir, { cache, counters: changed });
    expect(changed.bytesRead).toBe(
      Buffer.byteLength(runText(T + 2000)) +
        Buffer.byteLength(`${JSON.stringify({ type: 'step-end', stepNumber: 2, at: T + 2010 })}\n`),
    );
    expect(again.find((row) => row.id === idAt(T + 2000))?.steps).toBe(2);
  });

  it('lists a large run whose first line (a long input) is longer than listHeadBytes', async () => {
    const dir = await folder();
    const fake = createFakeGemini({ script: [turn.text('Short answer.')] });
    const { url } = await fake.listen();
    try {
      const recorder = createRunRecorder({ dir });
      const gemini = createGemini({ baseUrl: url, apiKey: 'view-read-key', retry: false });
      await createAgent({ gemini, model: 'gemini-2.5-flash', name: 'long-input', recorder }).run(
        'x'.repeat(200_000),
      );
      await recorder.flush();
    } finally {
      await fake.close();
    }
    const read = counters();
    const [row] = await readRunSummaries(dir, {
      limits: { listHeadBytes: 4096, listReadBytes: 8192 },
      counters: read,
    });
    expect(row).toMatchObject({
      agentName: 'long-input',
      model: 'gemini-2.5-flash',
      outcome: 'success',
      finishReason: 'stop',
      partial: true,
    });
    expect(read.bytesRead).toBeLessThanOrEqual(4096 + 8192);
  });

  it("lists and shows a fidelity: 'full' run whose media lines pass listReadBytes", async () => {
    const dir = await folder();
    const fake = createFakeGemini({ script: [turn.text('A cat.')] });
    const { url } = await fake.listen();
    // 1.5 MiB of base64, whole in the request line: the file is past listReadBytes (1 MiB).
    const image = 'QUJD'.repeat(400_000);
    try {
      const recorder = createRunRecorder({
        dir,
        fidelity: 'full',
        maxOpaqueBytes: 2 * 1024 * 1024,
      });
      const gemini = createGemini({ baseUrl: url, apiKey: 'view-read-key', retry: false });
      await createAgent({ gemini, model: 'gemini-2.5-flash', name: 'media', recorder }).run([
        {
          role: 'user',
          parts: [{ text: 'What is it?' }, { inlineData: { mimeType: 'image/png', data: image } }],
        },
      ]);
      await recorder.flush();
    } finally {
      await fake.close();
    }
    const read = counters();
    const [row] = await readRunSummaries(dir, { counters: read });
    expect(row).toMatchObject({ agentName: 'media', outcome: 'success', partial: true });
    expect(read.bytesRead).toBeLessThanOrEqual(
      DEFAULT_VIEW_LIMITS.listHeadBytes + DEFAULT_VIEW_LIMITS.listReadBytes,
    );
    const run = await readRunLines(dir, String(row?.id));
    const lines = run !== undefined && 'lines' in run ? run.lines : [];
    expect(lines[0]).toMatchObject({ type: 'run-start', fidelity: 'full' });
    const request = lines.find((line) => line['type'] === 'model-call-start')?.['request'];
    expect(JSON.stringify(request)).toContain(image);
  });

  it("shows what a tree a failed subagent ended had spent, the child's spending included", async () => {
    const dir = await folder();
    // The lead calls `research`; the child calls `lookup`, then its next model call fails (400).
    const fake = createFakeGemini({
      script: [
        turn.call('research', { task: 'Find it.' }),
        turn.call('lookup', {}),
        turn.text('never sent'),
      ],
      faults: [{ fault: { type: 'http-error', error: googleError(400, 'Not valid.') }, on: 2 }],
    });
    const { url } = await fake.listen();
    try {
      const recorder = createRunRecorder({ dir });
      const gemini = createGemini({ baseUrl: url, apiKey: 'view-read-key', retry: false });
      const model = 'gemini-2.5-flash';
      const child = createAgent({
        gemini,
        model,
        name: 'research',
        tools: [
          defineTool({
            name: 'lookup',
            description: 'Looks up.',
            parameters: { type: 'object', properties: {} },
            execute: () => 'found',
          }),
        ],
      });
      const lead = createAgent({
        gemini,
        model,
        name: 'lead',
        recorder,
        tools: [subagent(child, { name: 'research', description: 'R.', onError: 'throw' })],
      });
      await expect(lead.run('Go.')).rejects.toThrow(SubagentError);
      await recorder.flush();
    } finally {
      await fake.close();
    }
    const rows = await readRunSummaries(dir, { counters: counters() });
    const leadRow = rows.find((row) => row.agentName === 'lead');
    const childRow = rows.find((row) => row.agentName === 'research');
    expect(childRow?.outcome).toBe('error');
    expect(leadRow?.outcome).toBe('error');
    // The lead's row: its own model call and the child's (the child's row has its own).
    expect(childRow?.totalTokens).toBeGreaterThan(0);
    expect(leadRow?.totalTokens).toBeGreaterThan(childRow?.totalTokens ?? Infinity);
    expect(Number(leadRow?.costUsd)).toBeGreaterThan(Number(childRow?.costUsd));
  });

  it('shows an unchanged run again without reading it', async () => {
    const dir = await folder();
    const id = await writeRun(dir, T, { end: null });
    const read = counters();
    const server = await serve(dir, read);
    const first = await get(server, `/api/runs/${id}`);
    expect(read.bytesRead).toBe(Buffer.byteLength(runText(T, { end: null })));
    read.bytesRead = 0;
    expect(await get(server, `/api/runs/${id}`)).toEqual(first);
    expect(read.bytesRead).toBe(0);
    const more = `${JSON.stringify({ type: 'step-end', stepNumber: 2, at: T + 9 })}\n`;
    await appendFile(join(dir, `${id}.jsonl`), more);
    const again = JSON.parse((await get(server, `/api/runs/${id}`)).body) as Fields[];
    expect(again.at(-1)).toMatchObject({ type: 'step-end', stepNumber: 2 });
  });

  it('lists at most maxRunsListed files, the newest', async () => {
    const dir = await folder();
    const ids: string[] = [];
    for (let index = 0; index < 5; index++) ids.push(await writeRun(dir, T + index * 1000));
    const read = counters();
    const rows = await readRunSummaries(dir, { limits: { maxRunsListed: 3 }, counters: read });
    expect(rows.map((row) => row.id)).toEqual(ids.slice(-3).reverse());
    expect(read.filesOpened).toBe(3);
  });

  it('lists the recorder runs first: other .jsonl files (a chat store) never crowd them out', async () => {
    const dir = await folder();
    // Names of letters sort after the recorder's, which start with a year: 500 chat sessions
    // kept in the runs folder took every place of the list, which then showed no run at all.
    for (const name of ['chat-a', 'chat-b', 'session-1'])
      await writeFile(join(dir, `${name}.jsonl`), '{"role":"user"}\n');
    const id = await writeRun(dir, T);
    const rows = await readRunSummaries(dir, { limits: { maxRunsListed: 2 } });
    expect(rows.map((row) => row.id)).toEqual([id]);
  });

  it('cuts a run longer than maxViewBytes at a whole line and says so', async () => {
    const dir = await folder();
    const id = await writeRun(dir, T);
    const run = await readRunLines(dir, id, { limits: { maxViewBytes: 200 } });
    expect(run).toMatchObject({ cut: true });
    const lines = (run as { lines: Fields[] }).lines;
    expect(lines[0]).toMatchObject({ type: 'run-start' });
    expect(lines.at(-1)).toMatchObject({ type: 'truncated', by: 'viewer' });
    expect(lines.some((line) => line['type'] === 'run-end')).toBe(false);
    await expect(readRunSummaries(dir, { limits: { listReadBytes: 0 } })).rejects.toThrow(
      /limits\.listReadBytes must be a whole number above 0/,
    );
  });
});
