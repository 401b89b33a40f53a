// The built bin as `npx gemloop chat` runs it: plain node, the agent module a TypeScript file
// (loaded with tsx), its MCP broker answered with @gemloop/tools from beside gemloop, the lines
// piped on stdin, the model the fake Gemini on 127.0.0.1.

import { join } from 'node:path';
import { createFakeGemini, turn } from '@gemloop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuardedProcessError, runGuarded } from '../../../../scripts/run-guarded.ts';
import { BUILD_LIMIT_MS, buildCli, CLI_BIN } from '../__fixtures__/build-cli.ts';

const AGENT = join(import.meta.dirname, '../__fixtures__/chat-agent.ts');

const fake = createFakeGemini({
  script: (_request, { lastUserText, functionResponses }) => {
    const [response] = functionResponses;
    if (response !== undefined) return turn.text(`Booked: ${JSON.stringify(response.response)}`);
    if (lastUserText === 'book a table') return turn.call('book_table', {});
    return turn.text(`You said: ${lastUserText}.`);
  },
});
let url = '';
beforeAll(async () => {
  ({ url } = await fake.listen());
  await buildCli();
}, BUILD_LIMIT_MS);
afterAll(() => fake.close());

/**
 * Runs the bin with `stdin` piped in; its exit code and output. Under the hang guard of the
 * tests' children (killed when hung, and with this test process however it ends), not a
 * wall-clock limit.
 */
async function chat(
  stdin: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await runGuarded(process.execPath, [CLI_BIN, 'chat', AGENT], {
      env: { PATH: process.env['PATH'] ?? '', GEMLOOP_CHAT_TEST_URL: url },
      input: stdin,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    if (!(error instanceof GuardedProcessError) || error.failure.kind !== 'exit') throw error;
    return { code: error.failure.code, stdout: error.stdout, stderr: error.stderr };
  }
}

describe('the built gemloop bin: chat', () => {
  it('chats from piped lines, the MCP form answered by the line after the request', async () => {
    const { code, stdout, stderr } = await chat('hi\nbook a table\n5\nbye\n');
    expect(stderr).toContain('Chatting with the agent of ');
    expect(code).toBe(0);
    expect(stdout).toMatch(/You said: hi\.\nBooked: .*\\"people\\":5.*\nYou said: bye\.\n/s);
    expect(stderr).toContain('How many people?');
  });
});
