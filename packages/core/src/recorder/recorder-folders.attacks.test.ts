import { mkdtemp, open, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { settles } from '@gemloop/testing';
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import type { Logger } from '../logging/logger.ts';
import type { RunObservation, RunStartInfo } from '../telemetry/run-observer.ts';
import { createLiveRecorder } from './create-live-recorder.ts';
import { createRunRecorder } from './create-run-recorder.ts';

// attack29: a recorder's folder and disk as the machine gives them, not as the recorder hopes.
// - A folder under /proc (a test fixture's "unwritable" path, a typo'd mount): procfs answers
//   ENOENT to a mkdir of a name it does not have, and Node's `mkdir(dir, { recursive: true })`
//   takes that for "the parent is missing", makes the parent (EEXIST) and tries again, forever,
//   at 100 % CPU in a libuv thread (nodejs/node#27198's family; Kewton/CommandMate#1774 measured
//   it). The run ended, but `flush()` never settled and one of the four pool threads spun.
// - A disk that fills (ENOSPC mid-run, seen on a 64 KB tmpfs): the failed write dropped the open
//   file handle without closing it; Node closed it at garbage collection with DEP0137 ("an error
//   will be thrown" in a later Node), one descriptor per failed run until then.

function info(runId: string): RunStartInfo {
  return {
    runId,
    agentName: undefined,
    model: 'gemini-2.5-flash',
    baseUrl: 'https://generativelanguage.googleapis.com',
    streaming: false,
    conversationId: undefined,
    input: 'hi',
    startedAt: Date.now(),
    path: [],
    parentRunId: undefined,
  };
}

function warnings(): { logger: Logger; seen: unknown[][] } {
  const seen: unknown[][] = [];
  const logger: Logger = {
    child: () => logger,
    debug: () => undefined,
    info: () => undefined,
    warn: (...args: unknown[]) => {
      seen.push(args);
    },
    error: () => undefined,
  };
  return { logger, seen };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a recorder whose folder cannot be made under /proc', () => {
  it('the run recorder says so and its flush settles', async () => {
    const { logger, seen } = warnings();
    const recorder = createRunRecorder({ dir: '/proc/gemloop-attack29/runs', logger });
    const run = recorder.startRun(info('run-proc')) as RunObservation;
    run.end({ error: new Error('stopped') }, Date.now());
    await settles(recorder.flush(), 'the run recorder flush');
    expect(seen.length).toBe(1);
    expect(String(seen[0]?.[1])).toContain('writing failed');
  });

  it('the live recorder says so and its flush settles', async () => {
    const { logger, seen } = warnings();
    const recorder = createLiveRecorder({ dir: '/proc/gemloop-attack29/live', logger });
    const recording = recorder.startSession({
      agentName: undefined,
      model: 'm',
      modality: 'text',
      resumed: false,
      startedAt: Date.now(),
    });
    recording.end();
    await settles(recorder.flush(), 'the live recorder flush');
    expect(seen.length).toBe(1);
    expect(String(seen[0]?.[1])).toContain('writing failed');
  });
});

/**
 * FileHandle's `write` failing as a full disk does; `open()` says whether every handle it failed
 * on is closed (a closed handle's `fd` is -1).
 */
async function fullDisk(dir: string): Promise<{ open: () => number }> {
  const probe = await open(join(dir, 'probe'), 'w');
  const prototype = Object.getPrototypeOf(probe) as { write: (...args: unknown[]) => unknown };
  await probe.close();
  await rm(join(dir, 'probe'));
  const failed = new Set<{ fd: number }>();
  vi.spyOn(prototype, 'write').mockImplementation(function (this: { fd: number }) {
    failed.add(this);
    return Promise.reject(
      Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }),
    );
  });
  return { open: () => [...failed].filter((handle) => handle.fd !== -1).length };
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gemloop-attack29-'));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('a recorder whose disk is full', () => {
  it('the run recorder closes the file it could not write', async () => {
    const dir = await tempDir();
    const disk = await fullDisk(dir);
    const { logger, seen } = warnings();
    const recorder = createRunRecorder({ dir, logger });
    const run = recorder.startRun(info('run-full')) as RunObservation;
    run.end({ error: new Error('stopped') }, Date.now());
    await settles(recorder.flush(), 'the run recorder flush');
    expect(seen.length).toBe(1);
    expect(await readdir(dir)).toHaveLength(1);
    expect(disk.open()).toBe(0);
  });

  it('the live recorder closes the file it could not write', async () => {
    const dir = await tempDir();
    const disk = await fullDisk(dir);
    const { logger, seen } = warnings();
    const recorder = createLiveRecorder({ dir, logger });
    const recording = recorder.startSession({
      agentName: undefined,
      model: 'm',
      modality: 'text',
      resumed: false,
      startedAt: Date.now(),
    });
    recording.end();
    await settles(recorder.flush(), 'the live recorder flush');
    expect(seen.length).toBe(1);
    expect(disk.open()).toBe(0);
  });
});
