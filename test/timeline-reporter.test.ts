import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TestModule, Vitest } from 'vitest/node';
import { startGuarded } from '../scripts/start-guarded.ts';
import TimelineReporter, {
  readTree,
  splitCpu,
  summarizeTimeline,
  type Timeline,
} from '../scripts/timeline-reporter.ts';

describe('summarizeTimeline (scripts/timeline-reporter.ts)', () => {
  it('counts the cores the run left idle, in all and in its last minute, and names the last files', () => {
    const timeline: Timeline = {
      cores: 2,
      end: 100,
      files: [
        { file: 'a.test.ts', project: 'core', start: 0, tests: 2, end: 30 },
        { file: 'b.test.ts', project: 'examples', start: 10, tests: 60, end: 99 },
      ],
      samples: [
        { t: 1, machineBusy: 1, treeCpu: 1.5, runnable: 3 },
        { t: 50, machineBusy: 0.5, treeCpu: 2, runnable: 1 },
        { t: 90, machineBusy: 0.2, treeCpu: 2.1, runnable: 0 },
      ],
    };
    expect(summarizeTimeline(timeline)).toEqual([
      '2 files in 100.0 s',
      "the run's processes: 2.1 s of CPU; cores it left idle: 3 core-seconds of 6, 3 of them in the last 60 s",
      '  CPU by project, s: core 1.7, examples 0.4',
      '  CPU by file, s: core a.test.ts 1.7, examples b.test.ts 0.4',
      '  ended at 99.0 s (started 10.0): examples b.test.ts',
      '  ended at 30.0 s (started 0.0): core a.test.ts',
    ]);
  });
});

describe('splitCpu (scripts/timeline-reporter.ts)', () => {
  it("shares each sample's CPU among the files running since the one before, by how long each ran there", () => {
    const { projects, files } = splitCpu({
      cores: 2,
      end: 40,
      files: [
        { file: 'alone.test.ts', project: 'dbos', start: 2, tests: 3, end: 10 },
        { file: 'half.test.ts', project: 'cli', start: 10, tests: 11, end: 30 },
        { file: 'whole.test.ts', project: 'cli', start: 10, tests: 11, end: 40 },
      ],
      samples: [
        // The global setups' second: no file runs yet, so no project has it.
        { t: 2, machineBusy: 1, treeCpu: 1, runnable: 2 },
        { t: 10, machineBusy: 1, treeCpu: 9, runnable: 2 },
        // 10-40 s: half.test.ts ran 20 s of it, whole.test.ts 30 s: 12 s and 18 s of the 30.
        { t: 40, machineBusy: 1, treeCpu: 39, runnable: 2 },
      ],
    });
    expect(Object.fromEntries(projects)).toEqual({ dbos: 8, cli: 30 });
    expect(Object.fromEntries(files)).toEqual({
      'dbos alone.test.ts': 8,
      'cli half.test.ts': 12,
      'cli whole.test.ts': 18,
    });
  });
});

describe.runIf(process.platform === 'linux')('readTree (scripts/timeline-reporter.ts)', () => {
  let spinner: ChildProcess | undefined;
  afterEach(() => {
    spinner?.kill('SIGKILL');
  });

  it("counts a child's CPU and its runnable thread as the run's own", async () => {
    const before = readTree(process.pid);
    // It spins forever: gone with this test process however that ends.
    spinner = startGuarded(process.execPath, ['-e', 'process.stdout.write("up\\n"); for (;;) {}']);
    await once(spinner.stdout as NodeJS.ReadableStream, 'data');
    // A spinning process is always running or runnable: the count is not a matter of timing.
    await vi.waitFor(
      () => {
        const tree = readTree(process.pid);
        expect(tree?.runnable).toBeGreaterThanOrEqual(2);
        expect(tree?.treeCpu).toBeGreaterThan((before?.treeCpu ?? 0) + 0.05);
      },
      { timeout: 60_000, interval: 100 },
    ); // a hang guard
  });
});

describe.runIf(process.platform === 'linux')('TimelineReporter', () => {
  it('writes each file from the moment a worker takes it (its import inside) to its end', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'timeline-'));
    const out = join(folder, 'timeline.json');
    vi.stubEnv('TEST_TIMELINE', out);
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const reporter = new TimelineReporter();
      reporter.onInit({ config: { root: '/repo' } } as unknown as Vitest);
      const testModule = {
        moduleId: '/repo/packages/core/src/a.test.ts',
        project: { name: 'core' },
      } as unknown as TestModule;
      reporter.onTestModuleQueued(testModule);
      await new Promise((done) => setTimeout(done, 20));
      reporter.onTestModuleStart(testModule);
      await new Promise((done) => setTimeout(done, 20));
      reporter.onTestModuleEnd(testModule);
      reporter.onTestRunEnd();
      const timeline = JSON.parse(readFileSync(out, 'utf8')) as Timeline;
      expect(timeline.files).toEqual([
        {
          file: 'packages/core/src/a.test.ts',
          project: 'core',
          start: expect.any(Number),
          tests: expect.any(Number),
          end: expect.any(Number),
        },
      ]);
      const [file] = timeline.files;
      // The import before the tests is inside the span (`onTestModuleStart` alone would miss it).
      expect((file?.tests ?? 0) - (file?.start ?? 0)).toBeGreaterThanOrEqual(0.015);
      expect((file?.end ?? 0) - (file?.tests ?? 0)).toBeGreaterThanOrEqual(0.015);
      expect(timeline.cores).toBeGreaterThanOrEqual(1);
      expect(write).toHaveBeenCalledWith(expect.stringContaining('1 files in'));
    } finally {
      write.mockRestore();
      vi.unstubAllEnvs();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
