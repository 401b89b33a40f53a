import { PassThrough } from 'node:stream';
import { createAgent, createGemini } from '@gemloop/core';
import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../__fixtures__/capture-io.ts';
import { runTerminalChat } from './run-terminal-chat.ts';

// attack49b: `gemloop chat < questions.txt | head -1`. The answers are the chat's output; once
// their reader has gone (the bin sees EPIPE and drops what would go to stdout, bin.ts), the chat
// went on asking the model every question left, its answers written to no one: a model call
// nobody reads is money burnt. `io.stdoutGone` (aborted by the bin on stdout's EPIPE) now stops
// the turn being answered and ends the chat.

const QUESTIONS = Array.from({ length: 20 }, (_, index) => `question ${index}`);

function chatOnFake() {
  const fake = createFakeGemini({
    script: (_request, { lastUserText }) => turn.text(`Answer to ${lastUserText}.`),
  });
  const agent = createAgent({
    gemini: createGemini({ apiKey: 'test-key', retry: false, fetch: fake.fetch }),
    model: 'gemini-2.5-flash',
  });
  return { fake, agent };
}

describe('gemloop chat when stdout`s reader goes away (attack49b)', () => {
  it('ends the chat at the next turn: no question after it reaches the model', async () => {
    const { fake, agent } = chatOnFake();
    const gone = new AbortController();
    const io = captureIo();
    const stdout = io.stdout;
    // The reader leaves once the first answer is written, as `| head -1` does.
    io.stdout = (text) => {
      stdout(text);
      if (text.includes('\n')) gone.abort();
    };
    io.stdoutGone = gone.signal;
    const input = new PassThrough();
    const done = runTerminalChat({ agent, title: 'the test agent', input, io, interactive: false });
    input.end(`${QUESTIONS.join('\n')}\n`);
    expect(await done).toBe(0);
    expect(fake.modelRequests).toHaveLength(1);
    expect(io.out()).toBe('Answer to question 0.\n');
    expect(io.err()).toContain('stdout closed');
  });

  it('a reader gone at the first delta: that turn is stopped, no later question asked', async () => {
    const { fake, agent } = chatOnFake();
    const gone = new AbortController();
    const io = captureIo();
    const stdout = io.stdout;
    io.stdout = (text) => {
      stdout(text);
      gone.abort();
    };
    io.stdoutGone = gone.signal;
    const input = new PassThrough();
    const done = runTerminalChat({ agent, title: 'the test agent', input, io, interactive: false });
    input.end(`${QUESTIONS.join('\n')}\n`);
    expect(await done).toBe(0);
    expect(fake.modelRequests).toHaveLength(1);
    expect(io.err()).toContain('(stdout closed: the chat ends)');
  });

  it('a reader gone before the chat starts: no question reaches the model', async () => {
    const { fake, agent } = chatOnFake();
    const io = captureIo();
    io.stdoutGone = AbortSignal.abort();
    const input = new PassThrough();
    const done = runTerminalChat({ agent, title: 'the test agent', input, io, interactive: false });
    input.end(`${QUESTIONS.join('\n')}\n`);
    expect(await done).toBe(0);
    expect(fake.modelRequests).toHaveLength(0);
  });
});
