import { PassThrough, Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { createAgent, createGemini } from '@gemloop/core';
import { createFakeGemini, turn } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../__fixtures__/capture-io.ts';
import { MAX_INPUT_LINE_BYTES } from './bound-input-lines.ts';
import { runTerminalChat } from './run-terminal-chat.ts';

// What attack44d left: `gemloop chat` read its input with no bound. A line without an end
// (`gemloop chat < /dev/zero`) grew until memory ran out (a 30 MB line: 311 MB), and piped lines
// (`yes | gemloop chat`) were all read ahead of the chat, each waiting in memory.

describe('gemloop chat and an input without bounds (attack44d)', () => {
  it('ends with exit 1 and says so at a line past 1 MiB, sending none of it', async () => {
    const fake = createFakeGemini({ script: [turn.text('Hello.')] });
    const agent = createAgent({
      gemini: createGemini({ apiKey: 'test-key', retry: false, fetch: fake.fetch }),
      model: 'gemini-2.5-flash',
    });
    const input = new PassThrough();
    const io = captureIo();
    const done = runTerminalChat({ agent, title: 'the test agent', input, io, interactive: false });
    input.write('hi\n');
    // In 64 KiB pieces, as a pipe gives them, and no line end.
    const piece = 'x'.repeat(64 * 1024);
    for (let written = 0; written <= MAX_INPUT_LINE_BYTES; written += piece.length) {
      input.write(piece);
    }
    expect(await done).toBe(1);
    expect(io.err()).toContain(
      'gemloop chat: a line of input is longer than 1048576 bytes (1024 KiB)',
    );
    // The line before it was answered; the long one never reached the model.
    expect(io.out()).toContain('Hello.');
    expect(fake.requests).toHaveLength(1);
    input.destroy();
  });

  it('reads piped lines no further ahead than it keeps (about a thousand) while an answer is under way', async () => {
    let pulled = 0;
    const endless = Readable.from(
      (async function* () {
        pulled++;
        yield 'a first message\n';
        // Read ahead while the first is answered; each would end the chat once it is its turn.
        for (;;) {
          pulled++;
          yield '/exit\n';
          // A breath for timers now and then, as a pipe's reads give: without the bound this
          // read on without end, and the loop below must see it.
          if (pulled % 100 === 0) await sleep(0);
        }
      })(),
    );
    // A model call that answers only when aborted: the first message's turn stays under way.
    const gemini = createGemini({
      apiKey: 'test-key',
      retry: false,
      fetch: (_url, init) =>
        new Promise<Response>((_resolve, reject) => {
          init?.signal?.addEventListener('abort', () => reject(init.signal?.reason), {
            once: true,
          });
        }),
    });
    const agent = createAgent({ gemini, model: 'gemini-2.5-flash' });
    let interrupt: (() => void) | undefined;
    const io = captureIo();
    const done = runTerminalChat({
      agent,
      title: 'the test agent',
      input: endless,
      io,
      interactive: false,
      onInterrupt: (handler) => {
        interrupt = handler;
        return () => {};
      },
    });
    // Read ahead until the chat pauses the input; before, reading went on without end.
    let before = -1;
    while (pulled !== before && pulled < 100_000) {
      before = pulled;
      await sleep(100);
    }
    // The lines kept, plus what the streams between hold (16 KiB buffers of 6-byte lines).
    expect(pulled).toBeLessThan(20_000);
    expect(pulled).toBeGreaterThan(1000);
    // Stops the answer under way; the next line, /exit, ends the chat.
    interrupt?.();
    expect(await done).toBe(0);
    expect(io.err()).toContain('(stopped)');
    endless.destroy();
  });
});
