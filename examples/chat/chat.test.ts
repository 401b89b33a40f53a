import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  describeRun,
  HAS_SCRIPT,
  runExample,
  type StartedExample,
  startExample,
  startInTerminal,
} from '../test/run-example-process.ts';

// The chat CLI driven as a user drives it, offline: messages and commands through stdin, Ctrl-C
// as a signal (piped stdin) and as a keystroke (a pseudo-terminal through `script`). The fake
// streams slowly here so that a cancel lands in the middle of an answer.

const SLOW = { GEMLOOP_FAKE_CHUNK_DELAY_MS: '100' };
const GREETING_END = 'What would you like to know?';

/** Sends a line and waits for what it should print after it. */
async function send(chat: StartedExample, line: string, until: string | RegExp): Promise<string> {
  const mark = chat.output().length;
  chat.write(`${line}\n`);
  await chat.waitFor(until, mark);
  return chat.output().slice(mark);
}

describe.concurrent('pnpm chat (offline)', () => {
  it('answers, reports usage, cancels an answer on SIGINT without saving it, resets, and quits on a second Ctrl-C', async () => {
    const chat = startExample('chat/chat.ts', { env: SLOW });
    await chat.waitFor('you> ');
    expect(chat.output().split('\n')[0]).toMatch(/^Offline: no GEMINI_API_KEY set/);
    expect(chat.output()).toContain('web fetch (offline stub: fetches nothing)');

    expect(await send(chat, '/usage', 'Stored: 0 turn(s)')).toContain(
      'This chat: no tokens used yet.',
    );

    const first = await send(chat, 'What is 12 * 34?', /\(2 step\(s\), [\d,]+ tokens/);
    expect(first).toContain('→ calculator(expression: "12 * 34")');
    expect(first).toContain('12 × 34 = 408.');
    // Counts over 999 are grouped, here as in /usage: one formatter.
    const answerTokens = /\(2 step\(s\), (\d{1,3}(?:,\d{3})+) tokens, /.exec(first)?.[1];
    expect(answerTokens, first).toBeDefined();

    const usage = await send(chat, '/usage', 'Stored: 1 turn(s)');
    expect(usage).toMatch(
      /This chat: [\d,]+ tokens \([\d,]+ in, [\d,]+ out.*\) over 1 answer\(s\)\./,
    );
    // And in dollars, the chat's and the last answer's (one answer so far: the same amount).
    const cost = /Cost: \$(\d+\.\d+) this chat, \$(\d+\.\d+) the last answer\./.exec(usage);
    expect(cost?.[1], usage).toBeDefined();
    expect(cost?.[1]).toBe(cost?.[2]);
    const lastAnswer = /Last answer: .*/.exec(usage)?.[0];
    expect(lastAnswer).toMatch(new RegExp(`^Last answer: ${answerTokens} tokens \\(`));

    // A long answer, cancelled while it streams.
    const mark = chat.output().length;
    chat.write('hello\n');
    await chat.waitFor("Hello! I'm the gemloop demo model", mark);
    chat.child.kill('SIGINT');
    await chat.waitFor('(cancelled; nothing of this answer was saved)', mark);
    expect(chat.output().slice(mark)).not.toContain(GREETING_END);

    const history = await send(chat, '/history', /turn 1 \(\d+ contents\)[\s\S]*you> $/);
    expect(history).toContain('you   What is 12 * 34?');
    expect(history).toContain('tool  ← calculator: {"expression":"12 * 34","result":408}');
    expect(history).not.toContain('turn 2');
    expect(history).not.toContain('hello');

    expect(await send(chat, '/reset', 'History cleared')).toContain('History cleared');
    // /reset forgets the conversation, not what was spent: the totals and the last answer stay,
    // and the cancelled answer (billed too) is counted as such.
    const afterReset = await send(chat, '/usage', 'Stored: 0 turn(s)');
    expect(afterReset).toMatch(/This chat: [\d,]+ tokens .* over 1 answer\(s\), 1 cancelled\./);
    expect(afterReset).toContain(lastAnswer);
    expect(afterReset).not.toContain('(none yet)');

    // At the prompt, one Ctrl-C warns and a second one quits.
    const quit = chat.output().length;
    chat.child.kill('SIGINT');
    await chat.waitFor('(Press Ctrl-C again, or type /exit, to quit.)', quit);
    chat.child.kill('SIGINT');
    const run = await chat.done;
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.stdout.trimEnd().endsWith('Bye.')).toBe(true);
    expect(run.stderr).toBe('');
  });

  it('steers the answer being written with a line typed meanwhile (--steer), and keeps it in the history', async ({
    onTestFinished,
  }) => {
    // The answer after the tool's result (model call 2) waits until the steer has arrived: on a
    // loaded machine the whole answer was written before the line typed meanwhile got there.
    const release = join(mkdtempSync(join(tmpdir(), 'gemloop-chat-hold-')), 'release');
    // The test's own onTestFinished: in a describe.concurrent the imported one belongs to whichever
    // test is current, and removed the folder when another test ended, before the release.
    onTestFinished(() => rmSync(dirname(release), { recursive: true, force: true }));
    const chat = startExample('chat/chat.ts', {
      args: ['--steer'],
      env: { ...SLOW, GEMLOOP_FAKE_HOLD_CALL: '2', GEMLOOP_FAKE_HOLD_FILE: release },
    });
    await chat.waitFor('you> ');
    const mark = chat.output().length;
    chat.write('What is 12 * 34?\n');
    // The model has called the tool: the agent is working, the next line steers it.
    await chat.waitFor('→ calculator(', mark);
    chat.write('Also add 2.\n');
    await chat.waitFor('(steering: read at the next step)', mark);
    writeFileSync(release, '');
    await chat.waitFor(/↳ steer read at step \d+/, mark);
    await chat.waitFor(/\(\d+ step\(s\), [\d,]+ tokens/, mark);
    // The steer is part of the same turn: one stored turn holds both messages.
    const history = await send(chat, '/history', /turn 1 \(\d+ contents\)[\s\S]*you> $/);
    expect(history).toContain('you   What is 12 * 34?');
    expect(history).toContain('you   Also add 2.');
    expect(history).not.toContain('turn 2');
    chat.write('/exit\n');
    const run = await chat.done;
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.stderr).toBe('');
  });

  it('runs a piped script of commands: history, model switch, unknown command, /exit', async () => {
    const chat = startExample('chat/chat.ts');
    chat.write(
      [
        'read "notes.md"',
        '/model',
        '/model gemini-2.5-flash',
        'What is 2 + 3?',
        '/history',
        '/nope',
        '/help',
        '/exit',
        'never read',
        '',
      ].join('\n'),
    );
    chat.child.stdin?.end();
    const run = await chat.done;
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.stderr).toBe('');
    const out = run.stdout;
    expect(out).toContain('you> read "notes.md"');
    expect(out).toContain('→ read_file(path: "notes.md")');
    expect(out).toContain('The team offsite is on 14 March in Lyon.');
    expect(out).toContain('Model: gemini-3-flash-preview');
    expect(out).toContain('Now chatting with gemini-2.5-flash; the conversation is kept.');
    expect(out).toContain('2 + 3 = 5.');
    // The history spans both models.
    expect(out).toMatch(
      /turn 1 \(4 contents\)[\s\S]*turn 2 \(4 contents\)[\s\S]*you {3}What is 2 \+ 3\?/,
    );
    expect(out).toContain('Unknown command /nope. Type /help for the list.');
    expect(out).toContain('/model [name]');
    expect(out).not.toContain('never read');
    // No spinner frames or line erasing in piped output.
    expect(out).not.toContain('thinking…');
    expect(out).not.toContain('\r');
    expect(out.trimEnd().endsWith('Bye.')).toBe(true);
  });

  it('keeps the conversation in JSON-lines files with --store, and continues it in the next run', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'gemloop-chat-'));
    try {
      const args = ['--store', directory, '--session', 'alice'];
      const first = startExample('chat/chat.ts', { args });
      first.write('What is 6 * 7?\n/exit\n');
      const firstRun = await first.done;
      expect(firstRun.code, describeRun(firstRun)).toBe(0);
      expect(firstRun.stdout).toContain(
        `History: session "alice" in ${directory} (0 earlier turn(s)).`,
      );
      const lines = readFileSync(join(directory, 'alice.jsonl'), 'utf8').trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('What is 6 * 7?');

      const second = await runExample('chat/chat.ts', { args: [...args, '--offline'] });
      expect(second.code, describeRun(second)).toBe(0);
      expect(second.stdout).toContain(
        `History: session "alice" in ${directory} (1 earlier turn(s)).`,
      );
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  // In a terminal, readline reads keystrokes: Ctrl-C is the byte 0x03, which readline turns into
  // its own SIGINT event. `script` (util-linux) gives the chat a pseudo-terminal to prove that path.
  it.skipIf(!HAS_SCRIPT)(
    'cancels with the Ctrl-C key in a terminal and quits on two more at the prompt',
    async () => {
      const chat = startInTerminal('chat/chat.ts', { env: SLOW });
      await chat.until('you> ');
      chat.write('hello\r');
      await chat.until("Hello! I'm the gemloop demo model");
      // While the model has said nothing, a spinner moves; the answer's first text erases it.
      const raw = chat.output();
      const waiting = raw.lastIndexOf('thinking…');
      expect(waiting, raw).toBeGreaterThan(raw.indexOf('you> '));
      expect(raw.indexOf('\r\u001b[2K', waiting)).toBeLessThan(
        raw.indexOf("Hello! I'm the gemloop demo model"),
      );
      chat.write('\u0003');
      await chat.until('(cancelled; nothing of this answer was saved)');
      expect(chat.plain()).not.toContain(GREETING_END);
      chat.write('/usage\r');
      await chat.until('Stored: 0 turn(s)');
      chat.write('\u0003');
      await chat.until('(Press Ctrl-C again');
      chat.write('\u0003');
      const run = await chat.done;
      expect(run.code, describeRun(run)).toBe(0);
      expect(chat.plain()).toContain('Bye.');
      // A terminal gets colour.
      expect(run.stdout).toContain('\u001b[');
    },
  );
});
