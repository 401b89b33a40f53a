import fsp, { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { createGemini } from '../http/create-gemini.ts';
import { createRunRecorder } from './create-run-recorder.ts';
import { RUN_FILE_NAME, runFileName } from './run-file.ts';

// attack50a: a server records every run (`recorder: createRunRecorder()`) for days. The recorder
// kept its folder within `maxBytes` by walking the whole folder after every run (a `readdir` and
// an `lstat` of each run file): the work of a run grew with the runs already kept, 2,000 `lstat`s
// a run at 2,000 files, up to ~50,000 at the default 100 MB. Counted here as the `lstat` calls the
// process makes through node:fs/promises (the recorder's file system), never as a time.

const dirs: string[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  vi.useRealTimers();
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Counts the `lstat` calls made through node:fs/promises from now on. */
function countLstats(): { calls: number } {
  const counter = { calls: 0 };
  const lstat = fsp.lstat;
  vi.spyOn(fsp, 'lstat').mockImplementation(((...args: Parameters<typeof lstat>) => {
    counter.calls++;
    return lstat(...args);
  }) as typeof lstat);
  return counter;
}

async function folder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gemloop-long-runs-'));
  dirs.push(dir);
  return dir;
}

/** Finished run files as another recorder (another process, or yesterday's) left them. */
async function finishedRuns(dir: string, count: number, bytes: number, at: number): Promise<void> {
  for (let index = 0; index < count; index++) {
    const runId = crypto.randomUUID();
    const start = `{"type":"run-start","format":1,"runId":"${runId}","model":"m","at":${at + index}}\n`;
    const end = `{"type":"run-end","outcome":"success","at":${at + index + 1}}\n`;
    const pad = `{"type":"step-end","text":"${'s'.repeat(Math.max(0, bytes - start.length - end.length - 30))}"}\n`;
    await writeFile(join(dir, runFileName(at + index, runId)), start + pad + end);
  }
}

async function runFileBytes(dir: string): Promise<{ files: number; bytes: number }> {
  const names = (await readdir(dir)).filter((name) => RUN_FILE_NAME.test(name));
  const sizes = await Promise.all(names.map(async (name) => (await stat(join(dir, name))).size));
  return { files: names.length, bytes: sizes.reduce((sum, size) => sum + size, 0) };
}

function recordedAgent(dir: string, maxBytes?: number) {
  const fake = createFakeGemini({ keepRequests: 1, script: () => turn.text('A short answer.') });
  const gemini = createGemini({ fetch: fake.fetch, apiKey: 'test-key', retry: false });
  const recorder = createRunRecorder({ dir, ...(maxBytes === undefined ? {} : { maxBytes }) });
  const agent = createAgent({ gemini, model: 'gemini-2.5-flash', recorder, telemetry: false });
  return { agent, recorder };
}

describe('a recorder in a process that runs for days (attack50a)', () => {
  it('does not walk its folder after every run while the folder is far under maxBytes', async () => {
    const dir = await folder();
    // Yesterday's 500 runs: 0.5 MB of the default 100 MB.
    await finishedRuns(dir, 500, 1_000, Date.now() - 86_400_000);
    const { agent, recorder } = recordedAgent(dir);
    const lstats = countLstats();
    await agent.run('first');
    await recorder.flush();
    // The first run walks the folder once: it cannot know what is there.
    const firstWalk = lstats.calls;
    expect(firstWalk).toBeGreaterThanOrEqual(500);
    for (let index = 0; index < 20; index++) await agent.run(`run ${index}`);
    await recorder.flush();
    // Walking after each run made it 20 walks of 500 files more (10,000 lstats); the runs' own
    // few KB leave the folder far under its bound, so no walk is needed.
    expect(lstats.calls - firstWalk).toBeLessThan(500);
    expect((await runFileBytes(dir)).files).toBe(521);
    await agent.close();
  });

  it('keeps the folder within maxBytes at the cap, walking it once per many runs', async () => {
    const dir = await folder();
    const maxBytes = 64 * 1024;
    const { agent, recorder } = recordedAgent(dir, maxBytes);
    const lstats = countLstats();
    const runs = 100;
    let mostBytes = 0;
    for (let index = 0; index < runs; index++) {
      await agent.run(`run ${index}`);
      await recorder.flush();
      mostBytes = Math.max(mostBytes, (await runFileBytes(dir)).bytes);
    }
    const { files, bytes } = await runFileBytes(dir);
    // The bound holds after every run, and the newest runs fill most of it.
    expect(mostBytes).toBeLessThanOrEqual(maxBytes);
    expect(bytes).toBeGreaterThan(maxBytes / 2);
    // This test's own `stat`s are no `lstat`s. A walk after every run made `files` lstats a run
    // (~40 here, ~50,000 at 100 MB of small runs). Walked once an eighth of maxBytes was written
    // since, a walk of `files` comes every `files / 8` runs: about 8 a run, at any size.
    expect(files).toBeGreaterThan(32);
    expect(lstats.calls / runs).toBeLessThan(16);
    await agent.close();
  });

  it("still prunes another process's runs: its folder is walked again once a minute", async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const dir = await folder();
    const maxBytes = 64 * 1024;
    const { agent, recorder } = recordedAgent(dir, maxBytes);
    await agent.run('first');
    await recorder.flush();
    // Another process writes 128 KB of finished runs into the same folder meanwhile.
    await finishedRuns(dir, 64, 2_000, Date.now() - 3_600_000);
    await agent.run('second, within the minute');
    await recorder.flush();
    vi.setSystemTime(Date.now() + 61_000);
    await agent.run('third, a minute later');
    await recorder.flush();
    const { bytes } = await runFileBytes(dir);
    expect(bytes).toBeLessThanOrEqual(maxBytes);
    await agent.close();
  });
});
