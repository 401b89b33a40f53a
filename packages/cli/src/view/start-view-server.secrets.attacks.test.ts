// attack41: keys inside run files. The recorder keeps its client's key out, but a run file is bytes
// from anywhere: one recorded by an older gemloop, a tool's output holding a token the recorder
// never knew, a file copied from another machine. The viewer served every field as it was, so the
// page showed a Google key and the shell's GITHUB_TOKEN, in clear and in their encoded forms.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createViewCommand } from '../commands/view.ts';
import { startViewServer } from './start-view-server.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

const TOKEN = 'ghp_attack41TokenOfTheShell0123456789';
// Anyone's Google key, named nowhere: redacted by its shape.
const GOOGLE_KEY = `AIza${'Sy0123456789abcdefghijklmnopqrstu'.padEnd(35, 'v')}`;
// A secret-named value that is a run of digits (`SOME_TOKEN_ID=…`): strings lose it, numbers stay.
const DIGITS = '20260101123456';
// A secret JSON escapes: not found by a search of the JSON text, so its strings are walked.
const QUOTED = 'pass"word\\with-quote-1234';
const ID = '2026-01-01T00-00-00-000Z-keys';

/** Every form of a secret a page must not hold. */
function forms(secret: string): string[] {
  return [
    secret,
    encodeURIComponent(secret),
    secret.toLowerCase(),
    Buffer.from(secret).toString('base64').slice(0, 24),
  ];
}

async function runsFolder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gemloop-view-keys-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const at = Date.parse('2026-01-01T00:00:00.000Z');
  const lines = [
    {
      type: 'run-start',
      format: 1,
      runId: 'keys',
      agentName: 'agent',
      model: 'gemini-2.5-flash',
      streaming: false,
      at,
      input: `Use ${TOKEN} and ${GOOGLE_KEY} and ${QUOTED}, short words stay.`,
    },
    {
      type: 'tool-call-start',
      stepNumber: 1,
      toolName: 'deploy',
      toolCallId: 'c1',
      args: { token: encodeURIComponent(TOKEN), [GOOGLE_KEY]: 'as a name', id: `#${DIGITS}` },
      at: Number(DIGITS),
    },
    {
      type: 'tool-call-end',
      stepNumber: 1,
      toolName: 'deploy',
      toolCallId: 'c1',
      output: {
        basic: Buffer.from(`user:${TOKEN}`).toString('base64'),
        lower: TOKEN.toLowerCase(),
      },
      at: at + 2,
    },
    {
      type: 'run-end',
      outcome: 'error',
      error: { name: 'Error', message: `401 for key ${GOOGLE_KEY}` },
      usage: { totalTokenCount: 12 },
      at: at + 3,
    },
  ];
  await writeFile(
    join(dir, `${ID}.jsonl`),
    lines.map((line) => `${JSON.stringify(line)}\n`).join(''),
  );
  return dir;
}

function expectNoSecrets(body: string): void {
  for (const secret of [TOKEN, GOOGLE_KEY])
    for (const form of forms(secret)) expect(body).not.toContain(form);
  expect(body).toContain('[redacted]');
  expect(body).toContain('short words stay');
}

describe('gemloop view: keys in the run files', () => {
  it('no answer holds a Google key or a named secret, in any form; numbers stay numbers', async () => {
    const dir = await runsFolder();
    const server = await startViewServer({ dir, secrets: [TOKEN, DIGITS, QUOTED, 'short'] });
    cleanups.push(() => server.close());
    const list = await (await fetch(`${server.url}api/runs`)).text();
    expectNoSecrets(list);
    const body = await (await fetch(`${server.url}api/runs/${ID}`)).text();
    expectNoSecrets(body);
    expect(body).not.toContain(JSON.stringify(QUOTED).slice(1, -1));
    const lines = JSON.parse(body) as Record<string, unknown>[];
    expect(lines[0]?.['input']).toBe(
      'Use [redacted] and [redacted] and [redacted], short words stay.',
    );
    expect(lines[1]).toMatchObject({
      args: { token: '[redacted]', '[redacted]': 'as a name', id: '#[redacted]' },
      at: Number(DIGITS),
    });
  });

  it("the list's previews, cut at 200 characters through a key, keep none of its start", async () => {
    const dir = await runsFolder();
    const cutId = '2026-01-02T00-00-00-000Z-cut';
    const at = Date.parse('2026-01-02T00:00:00.000Z');
    const lines = [
      {
        type: 'run-start',
        format: 1,
        runId: 'cut',
        model: 'm',
        at,
        input: `${'q'.repeat(185)}${TOKEN} tail`,
      },
      {
        type: 'run-end',
        outcome: 'success',
        text: `${'a'.repeat(180)}${GOOGLE_KEY} tail`,
        at: at + 1,
      },
    ];
    await writeFile(
      join(dir, `${cutId}.jsonl`),
      lines.map((line) => `${JSON.stringify(line)}\n`).join(''),
    );
    const server = await startViewServer({ dir, secrets: [TOKEN] });
    cleanups.push(() => server.close());
    const runs = (await (await fetch(`${server.url}api/runs`)).json()) as Record<string, unknown>[];
    const row = runs.find((run) => run['id'] === cutId);
    expect(row?.['question']).toBe(`${'q'.repeat(185)}[redacted]…`);
    expect(row?.['answer']).toBe(`${'a'.repeat(180)}[redacted]…`);
    expect(JSON.stringify(runs)).not.toContain(TOKEN.slice(0, 8));
  });

  it('a Google key and a GitHub token are redacted by their shapes even when the viewer is told no secret', async () => {
    const dir = await runsFolder();
    const server = await startViewServer({ dir });
    cleanups.push(() => server.close());
    const body = await (await fetch(`${server.url}api/runs/${ID}`)).text();
    expect(body).not.toContain(GOOGLE_KEY);
    // GitHub's `ghp_` token is a documented shape too (leftovers73: this line expected it shown);
    // its encoded forms are found only when the viewer is told it (the command tells, next test).
    expect(body).not.toContain(TOKEN);
    expect(body).toContain(Buffer.from(`user:${TOKEN}`).toString('base64'));
  });

  it("gemloop view takes the secrets of its environment's secret-named variables", async () => {
    const dir = await runsFolder();
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    let out = '';
    const io = {
      stdout: (text: string) => {
        out += text;
      },
      stderr: () => undefined,
      env: { GITHUB_TOKEN: TOKEN, GEMLOOP_RUNS_DIR: dir },
    };
    const running = createViewCommand(() => stopped).run(['--port', '0'], io);
    cleanups.push(async () => {
      stop();
      await running;
    });
    while (!out.includes('Open ')) await new Promise((resolve) => setTimeout(resolve, 20));
    const url = /Open (\S+)/.exec(out)?.[1] as string;
    const body = await (await fetch(`${url}api/runs/${ID}`)).text();
    expectNoSecrets(body);
    stop();
    expect(await running).toBe(0);
  });
});
