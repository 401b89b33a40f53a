// `gemloop chat < questions | head -1` as a user runs it (attack49b): the built bin, the agent on
// the fake Gemini on 127.0.0.1, twenty questions piped, stdout's reader gone after the first
// answer. The bin drops what would go to a stdout that failed with EPIPE (bin.ts); the chat went
// on and asked the model all twenty questions for no one. It now ends at the next turn.

import { join } from 'node:path';
import { createFakeGemini, turn } from '@gemloop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGuarded } from '../../../../scripts/start-guarded.ts';
import { BUILD_LIMIT_MS, buildCli, CLI_BIN } from '../__fixtures__/build-cli.ts';

const AGENT = join(import.meta.dirname, '../__fixtures__/chat-agent.ts');
const QUESTIONS = Array.from({ length: 20 }, (_, index) => `question ${index}`);

const fake = createFakeGemini({
  script: (_request, { lastUserText }) => turn.text(`You said: ${lastUserText}.`),
});
let url = '';
beforeAll(async () => {
  ({ url } = await fake.listen());
  await buildCli();
}, BUILD_LIMIT_MS);
afterAll(() => fake.close());

describe('the built gemloop bin: chat whose stdout reader leaves', () => {
  it('ends the chat with exit 0 rather than ask the model the questions left', async () => {
    const child = startGuarded(process.execPath, [CLI_BIN, 'chat', AGENT], {
      env: { PATH: process.env['PATH'] ?? '', GEMLOOP_CHAT_TEST_URL: url },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.stdin?.end(`${QUESTIONS.join('\n')}\n`);
    // The reader takes the first answer and goes, as `head -1` does.
    await new Promise<void>((resolve) => child.stdout?.once('data', () => resolve()));
    child.stdout?.destroy();
    expect(await exited).toBe(0);
    expect(stderr).toContain('(stdout closed: the chat ends)');
    // The answer being written when the pipe broke may have been asked; none after it.
    expect(fake.modelRequests.length).toBeLessThan(4);
  });
});
