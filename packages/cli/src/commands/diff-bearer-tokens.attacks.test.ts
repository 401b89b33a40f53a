// attack59c: a run file whose tool output quotes an HTTP header with someone else's token
// (`Authorization: Bearer sk-...`, a gateway's echo, a config dump). The reports redacted the
// shell's own credentials and Google keys by shape, but a Bearer token the shell never held was
// printed whole by `gemloop diff` and `gemloop replay`, and written to `--json`.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { captureIo } from '../__fixtures__/capture-io.ts';
import { createPageJson } from '../view/create-page-json.ts';
import { createDiffCommand } from './diff.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

const TOKEN = 'sk-ant-api03-a59cBearerToken_0123456789abcdef';
const BASIC = 'dXNlcjpzM2NyZXQtYTU5Yy1wYXNzd29yZA==';

function runFile(runId: string, answer: string): string {
  const line = (value: unknown) => JSON.stringify(value);
  return `${[
    line({ type: 'run-start', format: 1, runId, model: 'gemini-2.5-flash', input: 'headers?' }),
    line({
      type: 'tool-call-start',
      stepNumber: 1,
      toolName: 'echo_headers',
      args: { auth: `Bearer ${TOKEN}` },
    }),
    line({ type: 'step-end', stepNumber: 1 }),
    line({ type: 'step-end', stepNumber: 2 }),
    line({ type: 'run-end', outcome: 'success', text: answer }),
  ].join('\n')}\n`;
}

describe('Bearer and Basic credentials in run files, by shape', () => {
  it('gemloop diff prints and writes none of them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gemloop-a59c-bearer-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'a.jsonl'), runFile('a', 'The gateway answered.'));
    writeFileSync(
      join(dir, 'b.jsonl'),
      runFile(
        'b',
        `It sent authorization: bearer ${TOKEN} and Authorization: Basic ${BASIC} to the gateway.`,
      ),
    );
    const io = captureIo({});
    await createDiffCommand(dir).run(['a.jsonl', 'b.jsonl', '--json', 'out.json'], io);
    const printed = io.out() + io.err();
    expect(printed).toContain('answer changed');
    for (const text of [printed, readFileSync(join(dir, 'out.json'), 'utf8')]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(BASIC);
      expect(text).toContain('bearer [redacted]');
    }
  });

  it('the viewer’s JSON too, a preview cut inside the token included; prose about Bearer stays', () => {
    const json = createPageJson();
    expect(json({ text: `Bearer ${TOKEN}` })).toBe('{"text":"Bearer [redacted]"}');
    expect(json({ text: `x: Bearer ${TOKEN.slice(0, 10)}…` })).toBe(
      '{"text":"x: Bearer [redacted]…"}',
    );
    const prose = 'Send a Bearer token: Authorization: Bearer <token>. Basic usage is free.';
    expect(json({ text: prose })).toBe(JSON.stringify({ text: prose }));
  });
});
