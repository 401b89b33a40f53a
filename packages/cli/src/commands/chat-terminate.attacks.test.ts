// attack49a: `gemloop chat` ended by SIGTERM (`docker stop`, `timeout`, a service manager) or
// SIGHUP (the terminal closed) in the middle of an answer. Before, the process died where it
// stood, exit 143 with nothing said: the module's `close` never ran (its MCP servers, a recorder's
// last record, a database pool were left to the exit). Now the signal stops the answer (the
// running tool's call aborted), ends the chat with the lines still queued unread, runs `close`,
// and exits with the signal's code. The built bin as a process, the model the fake Gemini.

import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini, turn } from '@gemloop/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startGuarded } from '../../../../scripts/start-guarded.ts';
import { BUILD_LIMIT_MS, buildCli, CLI_BIN } from '../__fixtures__/build-cli.ts';

const AGENT = join(import.meta.dirname, '../__fixtures__/chat-terminate-agent.ts');

const fake = createFakeGemini({ script: () => turn.call('wait_until_aborted', {}) });
let url = '';
let folder = '';
beforeAll(async () => {
  ({ url } = await fake.listen());
  folder = mkdtempSync(join(tmpdir(), 'gemloop-a49a-chat-terminate-'));
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

describe('gemloop chat ended by a signal', () => {
  it.each([
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)(
    '%s mid-answer aborts the tool, leaves the queued lines unsent, runs close, exits %i',
    async (signal, exitCode) => {
      const closedFile = join(folder, `${signal}.closed`);
      const child = startGuarded(process.execPath, [CLI_BIN, 'chat', AGENT], {
        env: {
          PATH: process.env['PATH'] ?? '',
          GEMLOOP_CHAT_TEST_URL: url,
          GEMLOOP_CHAT_CLOSED_FILE: closedFile,
        },
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
      child.stdin?.write('wait please\nand then this\n');
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
