import { tmpdir } from 'node:os';
import { PassThrough } from 'node:stream';
import { createAgent, createGemini } from '@gemloop/core';
import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../__fixtures__/capture-io.ts';
import { terminalSecrets } from '../terminal-secrets.ts';
import { runTerminalChat } from './run-terminal-chat.ts';

// cli68: what the model writes goes to the terminal as it is, but for the shell's credentials.
// A failed turn's message was redacted (attack29), the answer and the tool-call line were not: a
// model that repeats the `GEMINI_API_KEY` of the environment (read by a tool from `.env`, pasted
// by the user in an earlier turn) printed it on stdout, and a call's arguments holding it printed
// it on stderr. The key is hidden however the stream splits it; a text that only looks like a
// key (a docs example, the model's invented sample) is the model's answer and is shown.

const KEY = 'AIzaSyCli68-real-key-0123456789abcdefgh';
const LOOKALIKE = 'AIzaSyA1234567890abcdefghijklmnopqrstu';
const PASSWORD = 'pw-cli68-7c2e51ab';

/** One piped line to a chat on `script`, in a shell whose environment is `env`. */
async function chat(
  script: Parameters<typeof createFakeGemini>[0],
  env: Record<string, string> = {
    GEMINI_API_KEY: KEY,
    DATABASE_URL: `postgres://app:${PASSWORD}@db.internal/app`,
  },
) {
  const fake = createFakeGemini(script);
  const agent = createAgent({
    gemini: createGemini({ apiKey: 'test-key', retry: false, fetch: fake.fetch }),
    model: 'gemini-2.5-flash',
  });
  const input = new PassThrough();
  const io = captureIo(env);
  const done = runTerminalChat({ agent, title: 'the test agent', input, io, interactive: false });
  input.end('show me\n');
  expect(await done).toBe(0);
  return io;
}

describe("gemloop chat and the shell's credentials in what the model writes (cli68)", () => {
  it('hides the real key split over 3-character deltas; a key-shaped sample stays', async () => {
    const answer = `Your key is ${KEY}, a sample is ${LOOKALIKE}, the password ${PASSWORD}.`;
    const io = await chat({ script: [turn.text(answer)], chunkSize: 3 });
    expect(io.out()).not.toContain(KEY);
    expect(io.out()).not.toContain(KEY.slice(0, 20));
    expect(io.out()).not.toContain(PASSWORD);
    expect(io.out()).toContain(LOOKALIKE);
    expect(io.out()).toBe(
      `Your key is [redacted], a sample is ${LOOKALIKE}, the password [redacted].\n`,
    );
  });

  it("shows what a variable named like a secret holds when it is none (the commit's author)", async () => {
    const answer = 'Committed as Ada Lovelace-Byron from /run/user/1000/gdm/Xauthority.';
    const io = await chat(
      { script: [turn.text(answer)], chunkSize: 4 },
      {
        GEMINI_API_KEY: KEY,
        GIT_AUTHOR_NAME: 'Ada Lovelace-Byron',
        XAUTHORITY: '/run/user/1000/gdm/Xauthority',
        HTTP_AUTHORIZATION: 'Basic c2VjcmV0LXVzZXI6cHc=',
      },
    );
    expect(io.out()).toBe(`${answer}\n`);
    // An authorization is still one.
    const secrets = terminalSecrets(io.env, [], tmpdir());
    expect(secrets).toContain('Basic c2VjcmV0LXVzZXI6cHc=');
    expect(secrets).not.toContain('Ada Lovelace-Byron');
  });

  it('hides the start of the key when the answer ends in the middle of it', async () => {
    const io = await chat({ script: [turn.text(`cut: ${KEY.slice(0, 24)}`)], chunkSize: 5 });
    expect(io.out()).not.toContain(KEY.slice(0, 12));
    expect(io.out()).toBe('cut: [redacted]\n');
  });

  it("hides the key in a tool call's arguments on the tool-call line", async () => {
    const io = await chat({
      script: [turn.call('save_key', { key: KEY, sample: LOOKALIKE }), turn.text('ok')],
    });
    const line = io
      .err()
      .split('\n')
      .find((text) => text.startsWith('  → save_key'));
    expect(line).toBeDefined();
    expect(line).not.toContain(KEY);
    expect(line).toContain(LOOKALIKE);
  });
});
