import { ChildChannel } from './child-channel.ts';
import type {
  ChatResult,
  LeakResult,
  SampleResult,
  WorkerReply,
  WorkerRequest,
  WorkerSetup,
} from './worker-protocol.ts';

/** How worker processes start: the compiled entry, and where to write CPU profiles if wanted. */
export type WorkerLaunch = { entry: string; cpuProfileDirectory?: string | undefined };

function profileFlags(launch: WorkerLaunch, name: string, setup: WorkerSetup): string[] {
  if (launch.cpuProfileDirectory === undefined) return [];
  const what =
    setup.task === 'loop' || setup.task === 'overhead'
      ? `${setup.task}-${setup.script}`
      : setup.task;
  const file = `${what}-${name.replaceAll(/[^\w.-]+/g, '_')}-${Date.now()}.cpuprofile`;
  return ['--cpu-prof', `--cpu-prof-dir=${launch.cpuProfileDirectory}`, `--cpu-prof-name=${file}`];
}

/** How a contender's part of a scenario ended. */
export type WorkerStatus = 'ok' | 'failed' | 'unavailable';

/**
 * One contender's process in one scenario: set up (and warmed up) once, then asked for samples.
 * A failure anywhere marks it failed with the reason and ends its process; the scenario goes on
 * with the others and the bench run fails at the end.
 */
export class MeasuredWorker {
  readonly name: string;
  status: WorkerStatus = 'ok';
  message: string | undefined;
  readonly samples: SampleResult[] = [];
  /** Runs taken by {@link MeasuredWorker.leg} (not kept in `samples`), for the server's counts. */
  legRuns = 0;
  maxRssBytes: number | undefined;
  readonly #channel: ChildChannel<WorkerRequest, WorkerReply>;

  private constructor(name: string, channel: ChildChannel<WorkerRequest, WorkerReply>) {
    this.name = name;
    this.#channel = channel;
  }

  /** Starts the process and sets it up; never throws (a failure is recorded on the worker). */
  static async setUp(
    launch: WorkerLaunch,
    name: string,
    setup: WorkerSetup,
  ): Promise<MeasuredWorker> {
    const channel = ChildChannel.spawn<WorkerRequest, WorkerReply>({
      entry: launch.entry,
      execArgv: ['--expose-gc', ...extraV8Flags(), ...profileFlags(launch, name, setup)],
      label: `worker ${name}`,
    });
    const worker = new MeasuredWorker(name, channel);
    await worker.#ask({ type: 'setup', setup }, 'ready');
    return worker;
  }

  /** Sets a live process up for another scenario (quick runs): new task, samples cleared. */
  async reset(setup: WorkerSetup): Promise<void> {
    this.samples.length = 0;
    this.legRuns = 0;
    this.maxRssBytes = undefined;
    await this.#ask({ type: 'setup', setup }, 'ready');
  }

  /** Reads the process's peak RSS so far and leaves it running. */
  async readPeak(): Promise<void> {
    const reply = await this.#ask({ type: 'peak' }, 'peak');
    if (reply?.type === 'peak') this.maxRssBytes = reply.maxRssBytes;
  }

  /** Runs one timed sample and keeps it. */
  async sample(runs: number, concurrency: number): Promise<void> {
    const reply = await this.#ask({ type: 'sample', runs, concurrency }, 'sample');
    if (reply !== undefined) this.samples.push(reply as SampleResult);
  }

  /** Runs one timed sample and returns it without keeping it (a leg of a paired block). */
  async leg(runs: number): Promise<SampleResult | undefined> {
    const reply = await this.#ask({ type: 'sample', runs, concurrency: 1 }, 'sample');
    if (reply === undefined) return undefined;
    this.legRuns += runs;
    return reply as SampleResult;
  }

  /** Runs a one-shot measurement (chat, leak). */
  async measure<Result extends ChatResult | LeakResult>(
    type: Result['type'],
  ): Promise<Result | undefined> {
    return (await this.#ask({ type: 'measure' }, type)) as Result | undefined;
  }

  /** Reads the process's peak RSS and ends it. */
  async finish(): Promise<void> {
    if (this.status === 'ok') {
      const reply = await this.#ask({ type: 'finish' }, 'finished');
      if (reply?.type === 'finished') this.maxRssBytes = reply.maxRssBytes;
    }
    await this.#channel.waitForExit();
  }

  /** Marks the worker failed (a check outside the process failed) and ends it. */
  fail(message: string): void {
    if (this.status !== 'ok') return;
    this.status = 'failed';
    this.message = message;
    this.#channel.kill();
  }

  async #ask(
    request: WorkerRequest,
    expected: WorkerReply['type'],
  ): Promise<WorkerReply | undefined> {
    if (this.status !== 'ok') return undefined;
    let reply: WorkerReply;
    try {
      reply = await this.#channel.request(request);
    } catch (error) {
      this.fail(error instanceof Error ? error.message : String(error));
      return undefined;
    }
    if (reply.type === 'unavailable') {
      this.status = 'unavailable';
      this.message = reply.message;
      this.#channel.kill();
      return undefined;
    }
    if (reply.type === 'error') {
      this.fail(
        `${reply.message}${this.#channel.output === '' ? '' : `\n--- process output ---\n${this.#channel.output}`}`,
      );
      return undefined;
    }
    if (reply.type !== expected) {
      this.fail(`expected a ${expected} reply, got ${reply.type}`);
      return undefined;
    }
    return reply;
  }
}

/**
 * Hands out contender processes. A full run gives every scenario fresh processes, so each one's
 * peak RSS and JIT state belong to that scenario alone. A quick run reuses a contender's process
 * from one scenario to the next (spawning and importing dominate a quick run); its peak RSS then
 * accumulates.
 */
export class WorkerPool {
  readonly #launch: WorkerLaunch;
  readonly #reuse: boolean;
  readonly #idle = new Map<string, MeasuredWorker>();

  constructor(launch: WorkerLaunch, { reuse }: { reuse: boolean }) {
    this.#launch = launch;
    this.#reuse = reuse;
  }

  /** Whether processes carry over from one scenario to the next. */
  get reuses(): boolean {
    return this.#reuse;
  }

  /** Sets up one worker per entry, `parallel` at a time (set-up and warm-up are not measured). */
  async acquire(
    setups: readonly { name: string; setup: WorkerSetup }[],
    parallel: number,
  ): Promise<MeasuredWorker[]> {
    const workers: MeasuredWorker[] = new Array(setups.length);
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < setups.length) {
        const index = next++;
        const { name, setup } = setups[index]!;
        const key = poolKey(name, setup);
        const idle = this.#idle.get(key);
        if (idle !== undefined) {
          this.#idle.delete(key);
          await idle.reset(setup);
          workers[index] = idle;
        } else {
          workers[index] = await MeasuredWorker.setUp(this.#launch, name, setup);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, setups.length) }, lane));
    return workers;
  }

  /** Reads each worker's peak RSS; ends it, or keeps it for the next scenario when reusing. */
  async release(workers: readonly MeasuredWorker[], setups: readonly WorkerSetup[]): Promise<void> {
    for (let index = 0; index < workers.length; index++) {
      const worker = workers[index]!;
      if (!this.#reuse || worker.status !== 'ok') {
        await worker.finish();
        continue;
      }
      await worker.readPeak();
      if (worker.status === 'ok') this.#idle.set(poolKey(worker.name, setups[index]!), worker);
    }
  }

  /** Ends every process still kept. */
  async close(): Promise<void> {
    for (const worker of this.#idle.values()) await worker.finish();
    this.#idle.clear();
  }
}

/**
 * Parsers and contenders may share a name (`genai`); they are different processes. A process
 * that measured the overhead has the in-process server as its `fetch`, so it is kept apart too.
 */
function poolKey(name: string, setup: WorkerSetup): string {
  if (setup.task === 'parse') return `parser:${name}`;
  return setup.task === 'overhead' ? `overhead:${name}` : `contender:${name}`;
}

/**
 * Takes `samples` samples of every live worker, one worker at a time and in a rotating order, so
 * that a change of machine load (a shared machine) hits all contenders alike instead of whichever
 * happened to run then. This is what makes the ratios of one run comparable.
 */
export async function sampleInterleaved(
  workers: readonly MeasuredWorker[],
  samples: number,
  takeSample: (worker: MeasuredWorker) => Promise<void>,
): Promise<void> {
  for (let round = 0; round < samples; round++) {
    for (let offset = 0; offset < workers.length; offset++) {
      const worker = workers[(round + offset) % workers.length]!;
      if (worker.status === 'ok') await takeSample(worker);
    }
  }
}

/**
 * V8 flags for every contender process from `GEMLOOP_BENCH_V8_FLAGS` (space-separated), for A/B
 * runs of what V8 itself costs: `--liftoff-only` keeps WebAssembly out of TurboFan, so a run with
 * it shows how much of a peak RSS is undici's llhttp parser (WebAssembly) being optimised once
 * per process (long-stream on Node 20: V8's peak malloc 42 -> 7 MB for gemloop.stream, 33 -> 3 MB
 * for floor.stream; peak RSS 6 to 9 MB lower for both; issue 27). Empty by default; a run with
 * flags is not comparable with RESULTS.md.
 */
function extraV8Flags(): string[] {
  const flags = process.env['GEMLOOP_BENCH_V8_FLAGS']?.trim();
  return flags === undefined || flags === '' ? [] : flags.split(/\s+/);
}
