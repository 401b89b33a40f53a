// The built bin as `npx gemloop chat` runs it: plain node, the agent module a TypeScript file
// (loaded with tsx) or a .mjs one, the lines piped on stdin, the model the fake Gemini on
// 127.0.0.1. One file for the bin's chat tests, so that they share one build of the CLI (`tsc -b
// packages/cli`), one fake and one temporary folder; each test still starts a bin of its own,
// since each ends its process a way of its own (stdin's end, a throwing close, a broken stdout, a
// signal, a failed import).

import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini, turn } from '@gemloop/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GuardedProcessError, runGuarded } from '../../../../scripts/run-guarded.ts';
import { startGuarded } from '../../../../scripts/start-guarded.ts';
import { BUILD_LIMIT_MS, buildCli, CLI_BIN, runCliBin } from '../__fixtures__/build-cli.ts';

/** An agent with an MCP server's tool that asks the user a form mid-call. */
const MCP_AGENT = join(import.meta.dirname, '../__fixtures__/chat-agent.ts');
/**
 * An agent with only a tool that waits until its call is aborted, and a `close` that writes the
 * file GEMLOOP_CHAT_CLOSED_FILE names: for the tests where the agent's tools play no part, it
 * loads without the MCP SDK (~0.7 s less CPU a process than MCP_AGENT).
 */
const AGENT = join(import.meta.dirname, '../__fixtures__/chat-terminate-agent.ts');

/** The line that makes the model call AGENT's `wait_until_aborted`. */
const WAIT_LINE = 'wait please';
const fake = createFakeGemini({
  script: (_request, { lastUserText, functionResponses }) => {
    const [response] = functionResponses;
    if (response !== undefined) return turn.text(`Booked: ${JSON.stringify(response.response)}`);
    if (lastUserText === 'book a table') return turn.call('book_table', {});
    if (lastUserText === WAIT_LINE) return turn.call('wait_until_aborted', {});
    return turn.text(`You said: ${lastUserText}.`);
  },
});
let url = '';
let folder = '';
beforeAll(async () => {
  ({ url } = await fake.listen());
  folder = mkdtempSync(join(tmpdir(), 'gemloop-chat-bin-'));
  // `nobody` reads the agent module through it (the TMPDIR test below).
  chmodSync(folder, 0o755);
  await buildCli();
}, BUILD_LIMIT_MS);
afterAll(async () => {
  await fake.close();
  rmSync(folder, { recursive: true, force: true });
});
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/** The environment of a bin started here: PATH, the fake's URL, and `env`. */
const binEnv = (env: Record<string, string> = {}): Record<string, string> => ({
  PATH: process.env['PATH'] ?? '',
  GEMLOOP_CHAT_TEST_URL: url,
  ...env,
});

describe('the built gemloop bin: chat', () => {
  it('chats from piped lines, the MCP form answered by the line after the request', async () => {
    // Under the hang guard of the tests' children (killed when hung, and with this test process
    // however it ends), not a wall-clock limit.
    const { stdout, stderr } = await runGuarded(process.execPath, [CLI_BIN, 'chat', MCP_AGENT], {
      env: binEnv(),
      input: 'hi\nbook a table\n5\nbye\n',
    });
    expect(stderr).toContain('Chatting with the agent of ');
    expect(stdout).toMatch(/You said: hi\.\nBooked: .*\\"people\\":5.*\nYou said: bye\.\n/s);
    expect(stderr).toContain('How many people?');
  });
});

// attack44d: a module's close quoting what it used (a database URL) and a terminal escape. Before,
// the rejection left main uncaught and Node printed its report: the stack, the password and the
// raw OSC 52. The chat ended by the end of stdin.
describe('gemloop chat: a module whose close throws', () => {
  it('says so in one redacted, escaped line and exits 1, no stack', async () => {
    const password = 'hunter2-db-password';
    const cwd = join(folder, 'close-throws');
    mkdirSync(cwd);
    // A duck-typed agent: no turn is sent (stdin ends at once), only its shape is checked.
    writeFileSync(
      join(cwd, 'agent.mjs'),
      `export default { run() {}, stream() {} };
export const close = async () => {
  throw new Error('pool end failed: ' + process.env.DATABASE_URL + ' \\u001b]52;c;QQ==\\u0007');
};
`,
    );
    const { code, stdout, stderr } = await runCliBin(['chat', 'agent.mjs'], cwd, {
      DATABASE_URL: `postgres://app:${password}@db.internal:5432/app`,
    });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(
      'gemloop chat: the export `close` of agent.mjs failed: pool end failed: postgres://app:[redacted]@db.internal:5432/app \\u001b]52;c;QQ==\\u0007\n',
    );
    expect(stderr).not.toContain(password);
    expect(stderr).not.toContain('\u001b');
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stderr).not.toContain('Node.js v');
  });
});

// attack49b: `gemloop chat < questions | head -1`: twenty questions piped, stdout's reader gone
// after the first answer. The bin drops what would go to a stdout that failed with EPIPE (bin.ts);
// the chat went on and asked the model all twenty questions for no one. It now ends at the next
// turn.
describe('the built gemloop bin: chat whose stdout reader leaves', () => {
  it('ends the chat with exit 0 rather than ask the model the questions left', async () => {
    const questions = Array.from({ length: 20 }, (_, index) => `question ${index}`);
    const closedFile = join(folder, 'stdout-gone.closed');
    const child = startGuarded(process.execPath, [CLI_BIN, 'chat', AGENT], {
      env: binEnv({ GEMLOOP_CHAT_CLOSED_FILE: closedFile }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    children.push(child);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const requestsBefore = fake.modelRequests.length;
    child.stdin?.end(`${questions.join('\n')}\n`);
    // The reader takes the first answer and goes, as `head -1` does.
    await new Promise<void>((resolve) => child.stdout?.once('data', () => resolve()));
    child.stdout?.destroy();
    expect(await exited).toBe(0);
    expect(stderr).toContain('(stdout closed: the chat ends)');
    // Ended as a chat ends: the module's close ran.
    expect(readFileSync(closedFile, 'utf8')).toBe('closed');
    // The answer being written when the pipe broke may have been asked; none after it.
    expect(fake.modelRequests.length - requestsBefore).toBeLessThan(4);
  });
});

// attack49a: `gemloop chat` ended by SIGTERM (`docker stop`, `timeout`, a service manager) or
// SIGHUP (the terminal closed) in the middle of an answer. Before, the process died where it
// stood, exit 143 with nothing said: the module's `close` never ran (its MCP servers, a recorder's
// last record, a database pool were left to the exit). Now the signal stops the answer (the
// running tool's call aborted), ends the chat with the lines still queued unread, runs `close`,
// and exits with the signal's code.
describe('gemloop chat ended by a signal', () => {
  it.each([
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)(
    '%s mid-answer aborts the tool, leaves the queued lines unsent, runs close, exits %i',
    async (signal, exitCode) => {
      const closedFile = join(folder, `${signal}.closed`);
      const child = startGuarded(process.execPath, [CLI_BIN, 'chat', AGENT], {
        env: binEnv({ GEMLOOP_CHAT_CLOSED_FILE: closedFile }),
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      children.push(child);
      let stdout = '';
      let stderr = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
      });
      const called = new Promise<void>((resolve) => {
        child.stderr?.on('data', (chunk: Buffer) => {
          stderr += chunk.toString('utf8');
          if (stderr.includes('→ wait_until_aborted(')) resolve();
        });
      });
      const requestsBefore = fake.modelRequests.length;
      // The second line waits in the queue while the first is answered; stdin stays open.
      child.stdin?.write(`${WAIT_LINE}\nand then this\n`);
      await called;
      const exited = once(child, 'exit');
      child.kill(signal);
      const [code, killedBy] = await exited;

      expect({ code, signal: killedBy }).toEqual({ code: exitCode, signal: null });
      expect(existsSync(closedFile) && readFileSync(closedFile, 'utf8')).toBe('closed');
      expect(stderr).toContain('✗ wait_until_aborted: aborted');
      expect(stderr).toMatch(/gemloop chat: ended by a signal\.\n$/);
      expect(stderr).not.toContain('and then this');
      expect(stderr).not.toMatch(/\n\s+at /);
      expect(stdout).toBe('');
      // The first line's one model call; the queued line was never sent.
      expect(fake.modelRequests.length - requestsBefore).toBe(1);
    },
  );
});

// attack49a: `gemloop chat agent.ts` (or eval, fake --script) with a TMPDIR this process cannot
// write (a locked-down container, a service user, a read-only /tmp). tsx, which loads a TypeScript
// module, makes its cache folder `<TMPDIR>/tsx-<uid>` first: the import failed with only `EACCES:
// permission denied, mkdir '…/tsx-65534'`. Now the line says what to do. As `nobody` (setpriv)
// when this runs as root, who writes anyway.
describe('gemloop chat FILE.ts with a TMPDIR it cannot write', () => {
  it('says to set TMPDIR or give a .js module, in one line, exit 2', async () => {
    const readOnly = join(folder, 'read-only-tmp');
    mkdirSync(readOnly);
    chmodSync(readOnly, 0o555);
    const asNobody = process.getuid?.() === 0;
    const command = asNobody
      ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', process.execPath]
      : [process.execPath];
    let failure: GuardedProcessError | undefined;
    try {
      await runGuarded(command[0] as string, [...command.slice(1), CLI_BIN, 'chat', AGENT], {
        env: binEnv({ TMPDIR: readOnly, GEMLOOP_CHAT_TEST_URL: 'http://127.0.0.1:9' }),
        input: 'hi\n',
      });
    } catch (error) {
      if (!(error instanceof GuardedProcessError)) throw error;
      failure = error;
    }
    expect(failure?.failure).toMatchObject({ kind: 'exit', code: 2 });
    expect(failure?.stderr).toMatch(
      new RegExp(
        `importing it failed: \\w+: .*'${readOnly}/tsx-\\d+' \\(tsx, which loads a TypeScript module, keeps its cache in TMPDIR, ${readOnly}: set TMPDIR to a folder this process can write, or give gemloop the module compiled to \\.js or \\.mjs\\)\\n$`,
      ),
    );
    expect(failure?.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(readOnly)).toEqual([]);
  });
});
