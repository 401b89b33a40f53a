import { rm } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../cli.ts';
import { createViewCommand } from '../commands/view.ts';
import { ABORT_REASON, HOSTILE_TEXT, recordSampleRuns } from './__fixtures__/record-sample-runs.ts';
import { type RunSummary, readRunSummaries } from './read-runs.ts';
import { startViewServer, type ViewServer } from './start-view-server.ts';

let dir: string;
let server: ViewServer;
beforeAll(async () => {
  dir = await recordSampleRuns();
  server = await startViewServer({ dir });
});
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

function get(
  path: string,
  host?: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const url = new URL(path, server.url);
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: host === undefined ? {} : { host } }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('readRunSummaries', () => {
  it('summarises each recorded run: model, steps, tokens, outcome, tools, session', async () => {
    const runs = await readRunSummaries(dir);
    expect(runs).toHaveLength(5);
    const byAgent = (name: string) => runs.filter((run) => run.agentName === name);
    const [hostile] = byAgent('hostile-agent') as [RunSummary];
    expect(hostile).toMatchObject({
      model: 'gemini-2.5-flash',
      steps: 2,
      outcome: 'success',
      finishReason: 'stop',
      tools: ['fetch_page', 'get_weather'],
    });
    expect(hostile.totalTokens).toBeGreaterThan(0);
    expect(byAgent('chat-agent').map((run) => run.conversationId)).toEqual([
      'session-abc',
      'session-abc',
    ]);
    const [failing] = byAgent('failing-agent') as [RunSummary];
    expect(failing.outcome).toBe('error');
    expect(failing.error).toContain('ModelCallError');
    // The recorder's abort, end to end: an outcome of its own with the caller's reason.
    const [aborted] = byAgent('aborted-agent') as [RunSummary];
    expect([aborted.outcome, aborted.error, aborted.question]).toEqual([
      'aborted',
      ABORT_REASON,
      'Wait for me.',
    ]);
    // Newest first.
    expect(runs.map((run) => run.startedAt)).toEqual(
      [...runs.map((run) => run.startedAt)].sort((a, b) => b - a),
    );
  });

  it('is empty for a folder that does not exist', async () => {
    expect(await readRunSummaries(`${dir}/missing`)).toEqual([]);
  });
});

describe('startViewServer', () => {
  it('listens on 127.0.0.1 only', () => {
    expect(new URL(server.url).hostname).toBe('127.0.0.1');
  });

  it('serves the page, its assets and the runs as JSON with a strict CSP', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    // The page names its modules under a stamp of their content (cached for a year, see
    // load-viewer-assets.ts): a changed module is a new URL.
    expect(page.body).toMatch(/<script type="module" src="\/v\/[0-9a-f]{16}\/app\.js">/);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect((await get('/app.js')).headers['content-type']).toContain('text/javascript');
    const runs = JSON.parse((await get('/api/runs')).body) as RunSummary[];
    const hostile = runs.find((run) => run.agentName === 'hostile-agent') as RunSummary;
    const lines = JSON.parse((await get(`/api/runs/${hostile.id}`)).body) as { type: string }[];
    expect(lines[0]?.type).toBe('run-start');
    // The hostile text is data in JSON, never markup the server writes.
    expect(JSON.stringify(lines)).toContain(JSON.stringify(HOSTILE_TEXT).slice(1, -1));
    expect(JSON.stringify(lines)).not.toContain('view-test-key');
  });

  it('refuses another Host (DNS rebinding), paths out of the folder, and writes', async () => {
    expect((await get('/api/runs', 'attacker.example:80')).status).toBe(421);
    expect((await get('/api/runs/..%2F..%2Fpackage')).status).toBe(404);
    expect((await get('/api/runs/nope')).status).toBe(404);
  });
});

describe('gemloop view', () => {
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return {
      out,
      err,
      io: {
        stdout: (text: string) => out.push(text),
        stderr: (text: string) => err.push(text),
        env: {},
      },
    };
  };

  it('is listed by gemloop help, and an unknown command exits 2', async () => {
    const help = io();
    expect(await main(['--help'], help.io)).toBe(0);
    expect(help.out.join('')).toContain('view');
    const unknown = io();
    expect(await main(['viwe'], unknown.io)).toBe(2);
    expect(unknown.err.join('')).toContain("unknown command 'viwe'");
  });

  it('prints a folder name with control characters escaped', async () => {
    // A folder named with escape codes (from GEMLOOP_RUNS_DIR or --dir) repainted the terminal.
    const hostile = join(dir, 'runs\u001b[2J\u202e');
    const command = createViewCommand(() => Promise.resolve());
    const run = io();
    expect(await command.run(['--dir', hostile, '--port', '0'], run.io)).toBe(0);
    const printed = run.out.join('');
    expect(printed).toContain('runs\\u001b[2J\\u202e');
    expect(printed).not.toContain('\u001b');
    expect(printed).not.toContain('\u202e');
  });

  it('starts a server on the folder and stops when told; refuses a bad port', async () => {
    const command = createViewCommand(() => Promise.resolve());
    const run = io();
    expect(await command.run(['--dir', dir, '--port', '0'], run.io)).toBe(0);
    expect(run.out.join('')).toMatch(/Open http:\/\/127\.0\.0\.1:\d+\//);
    const bad = io();
    expect(await command.run(['--port', 'x'], bad.io)).toBe(2);
    const usage = io();
    expect(await command.run(['--help'], usage.io)).toBe(0);
    expect(usage.out.join('')).toContain('Usage: gemloop view');
  });

  it('takes --allowed-host, repeated, and refuses one that is no host name (exit 2, escaped)', async () => {
    const command = createViewCommand(() => Promise.resolve());
    const run = io();
    const listed = ['--allowed-host', 'a.example', '--allowed-host', 'b.example'];
    expect(await command.run(['--dir', dir, '--port', '0', ...listed], run.io)).toBe(0);
    expect(run.out.join('')).toMatch(/Open http:\/\/127\.0\.0\.1:\d+\//);
    const bad = io();
    const hostile = ['--allowed-host', 'https://a.example/\u001b[2J'];
    expect(await command.run(['--dir', dir, '--port', '0', ...hostile], bad.io)).toBe(2);
    const said = bad.err.join('');
    expect(said).toMatch(/--allowed-host: .*is not a host name/);
    expect(said).not.toContain('\u001b');
  });
});
