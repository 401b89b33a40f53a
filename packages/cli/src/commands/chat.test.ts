import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createFakeGemini, turn } from '@gemloop/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../__fixtures__/capture-io.ts';
import { createChatCommand } from './chat.ts';

// `gemloop chat` in-process: lines typed (a PassThrough as stdin) against an agent module on the
// fake Gemini. The answer streams to stdout, calls and notes to stderr; a line typed while the
// agent works answers the MCP server's form (when one waits) or steers the run; Ctrl-C stops the
// answer being written and the chat goes on.

const AGENT = join(import.meta.dirname, '../__fixtures__/chat-agent.ts');
// The fixture's go signal (not imported: the module must first load in the command, after the
// fake's URL is set).
const GO = 'gemloop-chat-test-go';

const fake = createFakeGemini({
  script: (request, { lastUserText, functionResponses }) => {
    const [response] = functionResponses;
    if (response?.name === 'book_table')
      return turn.text(`Booked: ${JSON.stringify(response.response)}`);
    if (response?.name === 'wait_for_go') {
      const steered = JSON.stringify(request.body.contents).includes('Use metric units.');
      return turn.text(`Done waiting; steered: ${steered ? 'yes' : 'no'}.`);
    }
    if (lastUserText === 'book a table') return turn.call('book_table', {});
    if (lastUserText === 'wait') return turn.call('wait_for_go', {});
    if (lastUserText === 'colours') return turn.text('\u001b[31mred\u001b[0m\tand\nline two');
    return turn.text(`You said: ${lastUserText}.`);
  },
});
beforeAll(async () => {
  const { url } = await fake.listen();
  process.env['GEMLOOP_CHAT_TEST_URL'] = url;
});
afterAll(async () => {
  delete process.env['GEMLOOP_CHAT_TEST_URL'];
  await fake.close();
});

async function waitFor(check: () => boolean, what: string, io: { err(): string; out(): string }) {
  for (let tries = 0; tries < 6000; tries += 1) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out waiting for ${what}\nstdout:\n${io.out()}\nstderr:\n${io.err()}`);
}

/** A chat on a typed-in stdin (a terminal's, or piped), with a Ctrl-C the test presses. */
function startChat(args: string[] = [], { tty = true } = {}) {
  const input = Object.assign(new PassThrough(), { isTTY: tty });
  const io = captureIo();
  const interrupts = new Set<() => void>();
  const command = createChatCommand(process.cwd(), input, (handler) => {
    interrupts.add(handler);
    return () => interrupts.delete(handler);
  });
  const exit = command.run([AGENT, ...args], io);
  const prompts = () => io.err().split('you> ').length - 1;
  return {
    io,
    exit,
    type: (line: string) => input.write(`${line}\n`),
    end: () => input.end(),
    interrupt: () => {
      for (const handler of interrupts) handler();
    },
    /** Waits for the chat to ask for the next message (the n-th prompt). */
    prompted: (count: number) => waitFor(() => prompts() >= count, `prompt ${count}`, io),
    until: (check: () => boolean, what: string) => waitFor(check, what, io),
  };
}

describe('gemloop chat', () => {
  it('keeps a conversation, answers the MCP form at the terminal, and is steered by a line typed while it works', async () => {
    const chat = startChat();
    await chat.prompted(1);
    expect(chat.io.err()).toContain('Chatting with the agent of ');
    chat.type('hi');
    await chat.prompted(2);
    expect(chat.io.out()).toBe('You said: hi.\n');

    chat.type('book a table');
    await chat.until(() => chat.io.err().includes('How many people?'), 'the form');
    expect(chat.io.err()).toContain('→ book_table({})');
    // A value that does not fit the form is asked again with the reason, then the answer goes.
    chat.type('40');
    await chat.until(() => /at most 12|maximum/i.test(chat.io.err()), 'the reason');
    chat.type('3');
    await chat.prompted(3);
    expect(chat.io.out()).toContain('Booked: ');
    expect(chat.io.out()).toContain('\\"people\\":3');

    chat.type('wait');
    await chat.until(() => chat.io.err().includes('→ wait_for_go({})'), 'the slow tool');
    chat.type('Use metric units.');
    await chat.until(() => chat.io.err().includes('(steer: Use metric units.)'), 'the steer');
    process.emit(GO as never);
    await chat.prompted(4);
    expect(chat.io.out()).toContain('Done waiting; steered: yes.');

    // The whole conversation went to the model each turn: one session.
    const last = fake.requests.at(-1)?.body as { contents: unknown[] };
    expect(JSON.stringify(last.contents)).toContain('You said: hi.');
    chat.type('/exit');
    expect(await chat.exit).toBe(0);
  });

  it('reads piped input as a script: each line the next message, or the answer the MCP form asks for', async () => {
    const chat = startChat([], { tty: false });
    chat.type('hi');
    chat.type('book a table');
    chat.type('3');
    chat.type('bye');
    chat.end();
    expect(await chat.exit).toBe(0);
    const out = chat.io.out();
    expect(out.indexOf('You said: hi.')).toBeGreaterThanOrEqual(0);
    expect(out.indexOf('Booked: ')).toBeGreaterThan(out.indexOf('You said: hi.'));
    expect(out).toContain('\\"people\\":3');
    expect(out.indexOf('You said: bye.')).toBeGreaterThan(out.indexOf('Booked: '));
    // The transcript shows each message and the form's answer after its prompt.
    expect(chat.io.err()).toMatch(/you> hi\n/);
    expect(chat.io.err()).toMatch(/People \(a whole number, required\): 3\n/);
    // Piped: no steering is offered.
    expect(chat.io.err()).not.toContain('steers it');
  });

  it("escapes the model's control characters, keeping its line breaks and tabs", async () => {
    const chat = startChat();
    await chat.prompted(1);
    chat.type('colours');
    await chat.prompted(2);
    expect(chat.io.out()).toBe('\\u001b[31mred\\u001b[0m\tand\nline two\n');
    chat.end();
    expect(await chat.exit).toBe(0);
  });

  it('stops the answer on Ctrl-C and goes on; Ctrl-C between answers ends the chat', async () => {
    const chat = startChat(['--id', 'terminal-1']);
    await chat.prompted(1);
    chat.type('wait');
    await chat.until(() => chat.io.err().includes('→ wait_for_go({})'), 'the slow tool');
    chat.interrupt();
    await chat.prompted(2);
    expect(chat.io.err()).toContain('(stopped)');
    chat.type('hi');
    await chat.prompted(3);
    expect(chat.io.out()).toContain('You said: hi.');
    // The stopped turn saved nothing: the model saw no call of wait_for_go in the history.
    const last = fake.requests.at(-1)?.body as { contents: unknown[] };
    expect(JSON.stringify(last.contents)).not.toContain('wait_for_go');
    chat.interrupt();
    expect(await chat.exit).toBe(0);
  });

  it('refuses a module without an agent, or with an export `elicitations` that is no broker', async () => {
    for (const [file, message] of [
      [join(import.meta.dirname, '../__fixtures__/capture-io.ts'), /has no agent/],
      [
        join(import.meta.dirname, '../__fixtures__/chat-bad-broker.ts'),
        /is not an MCP elicitation broker/,
      ],
    ] as const) {
      const io = captureIo();
      const exit = await createChatCommand(process.cwd(), new PassThrough()).run([file], io);
      expect(exit).toBe(2);
      expect(io.err()).toMatch(message);
    }
    const io = captureIo();
    expect(await createChatCommand().run([], io)).toBe(2);
    expect(io.err()).toContain('Usage: gemloop chat FILE');
    expect(await createChatCommand().run([AGENT, '--id', ''], io)).toBe(2);
    expect(io.err()).toContain('--id must not be empty');
  });
});
