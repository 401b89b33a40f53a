// `gemloop fake --script FILE` whose script throws quoting what it read (attack44d): the fake
// answers a throw with its message, to any client (on `--host 0.0.0.0`, anyone on the network),
// and the app prints that error. Before, the shell's `DATABASE_URL` password and `GEMINI_API_KEY`
// went out in clear, with the message's terminal escapes, where an import failure of the same file
// was redacted. In process: the fake is the command's, the env stubbed.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { captureIo } from '../__fixtures__/capture-io.ts';
import { createFakeCommand } from './fake.ts';

const KEY = 'AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW';
const PASSWORD = 'hunter2-db-password';
const SCRIPT = `export default [
  (request, context) => {
    throw new Error('db failed: ' + process.env.DATABASE_URL + ' key ' + process.env.GEMINI_API_KEY + ' \\u001b]52;c;QQ==\\u0007' + 'x'.repeat(5000));
  },
];
`;

const folders: string[] = [];
afterEach(() => {
  vi.unstubAllEnvs();
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** Serves `source` as the script and posts one generateContent; the fake's answer body. */
async function answerOfThrowingScript(source: string): Promise<{ status: number; body: string }> {
  const folder = mkdtempSync(join(tmpdir(), 'gemloop-fake-script-'));
  folders.push(folder);
  writeFileSync(join(folder, 'script.mjs'), source);
  const io = captureIo();
  let answer: { status: number; body: string } | undefined;
  const command = createFakeCommand(async () => {
    await new Promise((resolve) => setImmediate(resolve));
    const url = /Listening on (http:\/\/\S+)/.exec(io.out())?.[1] ?? '';
    const response = await fetch(`${url}/v1beta/models/gemini-3-flash-preview:generateContent`, {
      method: 'POST',
      headers: { 'x-goog-api-key': 'fake', 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }),
    });
    answer = { status: response.status, body: await response.text() };
  }, folder);
  expect(await command.run(['--port', '0', '--script', './script.mjs'], io)).toBe(0);
  return answer as { status: number; body: string };
}

describe('gemloop fake: a script that throws quoting credentials', () => {
  it('answers with the message redacted, escaped and cut', async () => {
    vi.stubEnv('DATABASE_URL', `postgres://app:${PASSWORD}@db.internal:5432/app`);
    vi.stubEnv('GEMINI_API_KEY', KEY);
    const { status, body } = await answerOfThrowingScript(SCRIPT);
    expect(status).toBe(400);
    const message = (JSON.parse(body) as { error: { message: string } }).error.message;
    expect(message).toContain('The script threw for model call #1: db failed: postgres://app:');
    expect(message).toContain('[redacted]');
    expect(body).not.toContain(PASSWORD);
    expect(body).not.toContain(KEY);
    expect(message).not.toContain('\u001b');
    expect(message).toContain('\\u001b]52;c;QQ==');
    expect(message.length).toBeLessThan(1_200);
  });

  it('a function script (not in a list) is redacted alike', async () => {
    vi.stubEnv('GEMINI_API_KEY', KEY);
    const source = `export default async (request) => {
      if (request.body.contents.length > 0) throw new Error('key ' + process.env.GEMINI_API_KEY);
    };`;
    const { body } = await answerOfThrowingScript(source);
    expect(body).toContain('The script threw for model call #1: key [redacted]');
    expect(body).not.toContain(KEY);
  });
});
