import { PassThrough } from 'node:stream';
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { captureIo } from '../__fixtures__/capture-io.ts';
import { runTerminalChat } from './run-terminal-chat.ts';

// attack29: what `gemloop chat` prints of a turn that failed, and of a call the model made. The
// module is the user's, but what it throws quotes what it read: a tool run with
// `toolErrors: 'throw'` whose driver error holds the database password of the environment ended
// the turn, and the chat printed the message as it was (escaped, not redacted), while an import
// failure of the same module is redacted (describe-import-failure.ts, terminalSecrets). And a
// model calling a tool by a 1 MB name printed that name whole on the tool-call line.

const PASSWORD = 'pw-3f9a7c2e51';
const KEY = 'AIzaSy-test-key-0123456789';

type Script = NonNullable<Parameters<typeof createFakeGemini>[0]>['script'];

async function chat(script: Script, throwing: boolean) {
  const fake = createFakeGemini({ script });
  const lookup = defineTool({
    name: 'lookup',
    description: 'Looks a row up.',
    parameters: z.object({}),
    execute: () => {
      throw new Error(
        `connect failed: postgres://app:${PASSWORD}@db.internal/app (key ${KEY}) password ${PASSWORD}`,
      );
    },
  });
  const agent = createAgent({
    gemini: createGemini({ apiKey: 'test-key', retry: false, fetch: fake.fetch }),
    model: 'gemini-2.5-flash',
    tools: [lookup],
    ...(throwing ? { toolErrors: 'throw' as const } : {}),
  });
  const input = new PassThrough();
  const io = captureIo({
    DATABASE_URL: `postgres://app:${PASSWORD}@db.internal/app`,
    GEMINI_API_KEY: KEY,
  });
  const done = runTerminalChat({ agent, title: 'the test agent', input, io, interactive: false });
  input.end('look it up\n');
  expect(await done).toBe(0);
  return io;
}

describe('gemloop chat and what a turn prints (attack29)', () => {
  it("redacts the environment's credentials from a failed turn's message", async () => {
    const io = await chat([turn.call('lookup', {}), turn.text('never')], true);
    expect(io.err()).toContain('error: ');
    expect(io.err()).toContain('[redacted]');
    expect(io.err()).not.toContain(PASSWORD);
    expect(io.err()).not.toContain(KEY);
  });

  it("cuts a model's tool name of 1 MB on the tool-call line", async () => {
    const name = `t${'x'.repeat(1_000_000)}`;
    const io = await chat([turn.call(name, {}), turn.text('done')], false);
    const line = io
      .err()
      .split('\n')
      .find((text) => text.startsWith('  → '));
    expect(line?.length).toBeLessThan(400);
    expect(io.out()).toContain('done');
  });
});
