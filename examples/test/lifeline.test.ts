// scripts/lifeline.cjs on its own: a process started with it (as the dbos worker fixtures start
// their workers: no process group of its own) dies when the process that started it is killed.

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it, onTestFinished } from 'vitest';

const LIFELINE = fileURLToPath(new URL('../../scripts/lifeline.cjs', import.meta.url));
/** A hang guard for a loaded machine, never a speed judgement. */
const GUARD_MS = 60_000;

const running = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

it('kills the process it is preloaded into when the process holding the pipe dies', async () => {
  // The parent starts the child with the lifeline on fd 3, prints its pid, and waits.
  const parentCode = `
    const { spawn } = require('node:child_process');
    const child = spawn(process.execPath, ['--require', ${JSON.stringify(LIFELINE)}, '-e', 'setInterval(() => {}, 1000)'], {
      env: { ...process.env, GEMLOOP_LIFELINE_FD: '3' },
      stdio: ['ignore', 'ignore', 'inherit', 'pipe'],
    });
    console.log(child.pid);
    setInterval(() => {}, 1000);
  `;
  const parent = spawn(process.execPath, ['-e', parentCode], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let child = 0;
  onTestFinished(() => {
    for (const pid of [parent.pid ?? 0, child])
      if (pid > 0 && running(pid)) process.kill(pid, 'SIGKILL');
  });
  child = await new Promise<number>((resolve) =>
    parent.stdout?.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))),
  );
  expect(running(child)).toBe(true);
  parent.kill('SIGKILL');
  const deadline = Date.now() + GUARD_MS;
  // A dead child stays a zombie until something reaps it: /proc says which state it is in.
  const alive = (): boolean => {
    if (!running(child)) return false;
    try {
      return !/\) Z /.test(readFileSync(`/proc/${child}/stat`, 'utf8'));
    } catch {
      return false;
    }
  };
  while (alive() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(alive()).toBe(false);
});
