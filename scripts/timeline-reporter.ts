import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import type { Reporter, TestModule, Vitest } from 'vitest/node';

/**
 * One test file's real span, seconds from the run's start: from the moment a worker took it (its
 * import and `beforeAll` inside) to its last hook; `tests` is when its tests started running.
 */
export type FileSpan = {
  file: string;
  project: string;
  start: number;
  tests: number;
  end: number;
};

/**
 * One sample a second: how busy the machine's cores were since the last one, and what the run's
 * own process tree (Vitest, its workers and every process a test started) did: its CPU so far and
 * how many of its threads were runnable. Runnable threads are the run's demand for cores whatever
 * else the machine runs, so a second with fewer runnable threads than cores is a core the run
 * left idle on a quiet machine, even when other work on a loaded machine kept it busy.
 */
export type Sample = { t: number; machineBusy: number; treeCpu: number; runnable: number };

/** What {@link TimelineReporter} writes: every file's span and the samples beside them. */
export type Timeline = { cores: number; files: FileSpan[]; samples: Sample[]; end: number };

/**
 * Logs each test file's real start and end (`onTestModuleQueued`, when a worker takes the file and
 * before it is imported, to `onTestModuleEnd`; the JSON reporter's `startTime` is the first test's,
 * after the import and `beforeAll`, and so is `onTestModuleStart`, kept as `tests`) and
 * samples `/proc` every second beside them, to find where a run leaves cores idle: at a group's
 * end, in its tail, behind one long file. Opt in, beside the usual reporters:
 *
 * `TEST_TIMELINE=/tmp/timeline.json npx vitest run --reporter=default --reporter=./scripts/timeline-reporter.ts`
 *
 * It writes the {@link Timeline} (to `node_modules/.cache/test-timeline.json` without
 * `TEST_TIMELINE`) and prints {@link summarizeTimeline}'s lines. Linux only for the samples
 * (elsewhere they are left out); sampling costs ~1-2 % of a core.
 */
export default class TimelineReporter implements Reporter {
  #root = '';
  #t0 = 0;
  #timer: NodeJS.Timeout | undefined;
  readonly #queued = new Map<string, number>();
  readonly #starts = new Map<string, number>();
  readonly #files: FileSpan[] = [];
  readonly #samples: Sample[] = [];

  onInit(vitest: Vitest): void {
    this.#root = vitest.config.root;
    this.#t0 = performance.now();
    let last = readCores();
    if (last === undefined) return;
    this.#timer = setInterval(() => {
      const now = readCores();
      const tree = readTree(process.pid);
      if (now === undefined || last === undefined || tree === undefined) return;
      const total = now.total - last.total;
      this.#samples.push({
        t: this.#seconds(),
        machineBusy: total > 0 ? (now.busy - last.busy) / total : 0,
        treeCpu: tree.treeCpu,
        // Less this thread, which is running to read them.
        runnable: Math.max(0, tree.runnable - 1),
      });
      last = now;
    }, 1000);
    this.#timer.unref();
  }

  onTestModuleQueued(testModule: TestModule): void {
    this.#queued.set(testModule.moduleId + testModule.project.name, this.#seconds());
  }

  onTestModuleStart(testModule: TestModule): void {
    this.#starts.set(testModule.moduleId + testModule.project.name, this.#seconds());
  }

  onTestModuleEnd(testModule: TestModule): void {
    const key = testModule.moduleId + testModule.project.name;
    const tests = this.#starts.get(key) ?? this.#seconds();
    this.#files.push({
      file: relative(this.#root, testModule.moduleId),
      project: testModule.project.name,
      start: this.#queued.get(key) ?? tests,
      tests,
      end: this.#seconds(),
    });
  }

  onTestRunEnd(): void {
    clearInterval(this.#timer);
    const timeline: Timeline = {
      cores: readCpuCount(),
      files: this.#files,
      samples: this.#samples,
      end: this.#seconds(),
    };
    const out = resolve(
      this.#root,
      process.env['TEST_TIMELINE'] ?? 'node_modules/.cache/test-timeline.json',
    );
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, JSON.stringify(timeline));
    process.stdout.write(`\n${summarizeTimeline(timeline).join('\n')}\n(${out})\n`);
  }

  #seconds(): number {
    return (performance.now() - this.#t0) / 1000;
  }
}

/**
 * A timeline in a few lines: the run's CPU, the seconds it wanted fewer cores than there are (the
 * idle a perfectly quiet machine would show), in all and in its last minute, that CPU by project
 * and its largest files ({@link splitCpu}), and the files that ended last.
 */
export function summarizeTimeline(timeline: Timeline): string[] {
  const { cores, files, samples, end } = timeline;
  const lines = [`${files.length} files in ${end.toFixed(1)} s`];
  if (samples.length > 0) {
    const cpu = samples[samples.length - 1]?.treeCpu ?? 0;
    const idle = (from: number) =>
      samples
        .filter((sample) => sample.t >= from)
        .reduce((sum, sample) => sum + Math.max(0, cores - sample.runnable), 0);
    const tail = Math.max(0, end - 60);
    lines.push(
      `the run's processes: ${cpu.toFixed(1)} s of CPU; cores it left idle: ${idle(0)} core-seconds ` +
        `of ${samples.length * cores}, ${idle(tail)} of them in the last 60 s`,
    );
    const split = splitCpu(timeline);
    const largest = (byName: Map<string, number>, count: number) =>
      [...byName]
        .sort((a, b) => b[1] - a[1])
        .slice(0, count)
        .map(([name, seconds]) => `${name} ${seconds.toFixed(1)}`)
        .join(', ');
    lines.push(`  CPU by project, s: ${largest(split.projects, 20)}`);
    lines.push(`  CPU by file, s: ${largest(split.files, 8)}`);
  }
  const last = [...files].sort((a, b) => b.end - a.end).slice(0, 5);
  for (const file of last) {
    lines.push(
      `  ended at ${file.end.toFixed(1)} s (started ${file.start.toFixed(1)}): ${file.project} ${file.file}`,
    );
  }
  return lines;
}

/**
 * The run's CPU by project and by file (`project file`): each sample's CPU since the one before
 * shared among the files running between them, by how long each ran there. Files running side by
 * side get equal shares of a second whatever each used, so a file that waits beside a busy one is
 * over-counted: a map of where the CPU went, not a measure of one file (run it alone for that).
 * CPU before the first file or after the last (the global setups) is in no project.
 */
export function splitCpu({ files, samples }: Timeline): {
  projects: Map<string, number>;
  files: Map<string, number>;
} {
  const projects = new Map<string, number>();
  const byFile = new Map<string, number>();
  let from = 0;
  let cpuBefore = 0;
  for (const sample of samples) {
    const cpu = sample.treeCpu - cpuBefore;
    const overlaps = files
      .map((file) => ({ file, overlap: Math.min(file.end, sample.t) - Math.max(file.start, from) }))
      .filter(({ overlap }) => overlap > 0);
    const total = overlaps.reduce((sum, { overlap }) => sum + overlap, 0);
    for (const { file, overlap } of overlaps) {
      const share = (cpu * overlap) / total;
      projects.set(file.project, (projects.get(file.project) ?? 0) + share);
      const name = `${file.project} ${file.file}`;
      byFile.set(name, (byFile.get(name) ?? 0) + share);
    }
    from = sample.t;
    cpuBefore = sample.treeCpu;
  }
  return { projects, files: byFile };
}

/** Busy and total jiffies of all cores (`/proc/stat`'s first line); `undefined` off Linux. */
function readCores(): { busy: number; total: number } | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]?.trim().split(/\s+/);
    const jiffies = (fields ?? []).slice(1).map(Number);
    const total = jiffies.reduce((sum, value) => sum + value, 0);
    // idle and iowait
    return { busy: total - (jiffies[3] ?? 0) - (jiffies[4] ?? 0), total };
  } catch {
    return undefined;
  }
}

function readCpuCount(): number {
  try {
    return readFileSync('/proc/stat', 'utf8').match(/^cpu\d+ /gm)?.length ?? 1;
  } catch {
    return 1;
  }
}

/** `/proc/<pid>/stat`'s fields after the command's name. */
function statFields(path: string): string[] | undefined {
  try {
    const text = readFileSync(path, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

const ticksPerSecond = 100;

/**
 * The process tree under `root`: its CPU so far (each live process's own and its reaped
 * children's: `utime`, `stime`, `cutime`, `cstime`) and its runnable threads.
 */
export function readTree(root: number): { treeCpu: number; runnable: number } | undefined {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  const children = new Map<number, number[]>();
  const stats = new Map<number, string[]>();
  for (const pid of pids) {
    const fields = statFields(`/proc/${pid}/stat`);
    if (fields === undefined) continue;
    stats.set(Number(pid), fields);
    const parent = Number(fields[1]);
    children.set(parent, [...(children.get(parent) ?? []), Number(pid)]);
  }
  let ticks = 0;
  let runnable = 0;
  for (const pending = [root]; pending.length > 0; ) {
    const pid = pending.pop() as number;
    pending.push(...(children.get(pid) ?? []));
    const fields = stats.get(pid);
    if (fields === undefined) continue;
    ticks += fields.slice(11, 15).reduce((sum, value) => sum + Number(value), 0);
    let tasks: string[] = [];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {}
    for (const task of tasks) {
      if (statFields(`/proc/${pid}/task/${task}/stat`)?.[0] === 'R') runnable++;
    }
  }
  return { treeCpu: ticks / ticksPerSecond, runnable };
}
