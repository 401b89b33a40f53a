import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { MissingDependencyError } from '@gemloop/core/errors';
import { HTML_WORKER_SOURCE } from './html-worker-source.ts';

/**
 * Where turndown and its domino are installed: the worker loads them from their files, so a
 * bundled app needs them installed beside it. Not found, a {@link MissingDependencyError} says so
 * (it was Node's bare "Cannot find module 'turndown'" inside the tool's answer: attack47b).
 */
function converterPaths(): { turndownPath: string; dominoPath: string } {
  try {
    const turndownPath = createRequire(import.meta.url).resolve('turndown');
    // domino is turndown's dependency, not ours: resolve it from turndown's own location.
    return { turndownPath, dominoPath: createRequire(turndownPath).resolve('@mixmark-io/domino') };
  } catch (error) {
    if ((error as { code?: unknown } | undefined)?.code !== 'MODULE_NOT_FOUND') throw error;
    throw new MissingDependencyError({
      packageName: 'turndown',
      neededBy: "The web fetch tool's HTML conversion",
      fix: 'The tool runs it in a worker thread from its own files, which no bundle holds: install it where the app runs (npm install turndown).',
      cause: error,
    });
  }
}

/** HTML turned into markdown, with the page title. @internal */
export type ConvertedHtml = { title: string; markdown: string };

/** How busy a converter is; for tests and diagnostics. @internal */
export type HtmlConverterStats = {
  /** Worker threads alive (busy, idle, or terminating). Never more than `maxWorkers`. */
  workers: number;
  /** Conversions running. */
  busy: number;
  /** Conversions waiting for a worker. */
  queued: number;
  /** The most workers that were alive at once, since the converter was made. */
  peakWorkers: number;
};

/** Converts HTML off the main thread; see {@link createHtmlConverter}. @internal */
export type HtmlConverter = {
  /**
   * Converts one page. Waits for a worker when `maxWorkers` are busy. Rejects with the signal's
   * reason when it aborts, queued or running (a running worker is terminated at once,
   * mid-conversion), and with an `Error` when the conversion fails or runs out of memory.
   */
  convert(options: { html: string; url: string; signal: AbortSignal }): Promise<ConvertedHtml>;
  /** Workers alive, conversions running and waiting. */
  stats(): HtmlConverterStats;
  /** Terminates every worker and rejects the queued conversions. Later `convert` calls start anew. */
  close(): Promise<void>;
};

/** The options of {@link createHtmlConverter}. @internal */
export type HtmlConverterOptions = {
  /** Heap limit of a worker in MB; past it the conversion fails instead of the process. */
  maxMemoryMb: number;
  /** Stack size of a worker in MB; deeper HTML fails to convert. @defaultValue 4 (Node's default) */
  stackSizeMb?: number | undefined;
  /**
   * Most worker threads alive at once; further conversions wait in a queue. `Infinity` gives
   * every concurrent conversion its own thread.
   * @defaultValue {@link DEFAULT_MAX_CONVERSION_WORKERS}
   */
  maxWorkers?: number | undefined;
};

/**
 * The default size of the HTML converter's pool: 2, or 1 on a one-core machine. Each worker may
 * take `conversionMemoryMb` (512 MB by default) of heap and a core, so the pool bounds both.
 */
export const DEFAULT_MAX_CONVERSION_WORKERS: number = Math.min(2, availableParallelism());

type WorkerReply =
  | { id: number; ok: true; title: string; markdown: string }
  | { id: number; ok: false; error: string };

type Waiting = {
  resolve: (worker: Worker) => void;
  reject: (error: unknown) => void;
  signal: AbortSignal;
  onAbort: () => void;
};

/**
 * Runs turndown in worker threads (see `html-worker-source.ts` for why), at most `maxWorkers` at
 * once: a burst of calls (one model turn can fetch dozens of pages) waits in a first-come queue
 * instead of starting a thread and a heap per call. One worker is kept idle between calls, so a
 * burst pays the start-up (about 100 ms: a thread plus turndown and domino) once. An idle worker
 * is `unref`'d, so it never keeps the process alive; a busy one is `ref`'d until it answers. A
 * queued call leaves the queue when its signal aborts (the fetch's time limit included).
 * @internal
 */
export function createHtmlConverter({
  maxMemoryMb,
  stackSizeMb = 4,
  maxWorkers = DEFAULT_MAX_CONVERSION_WORKERS,
}: HtmlConverterOptions): HtmlConverter {
  let idle: Worker | undefined;
  let nextId = 0;
  let busy = 0;
  let peakWorkers = 0;
  const live = new Set<Worker>();
  const queue: Waiting[] = [];
  let paths: { turndownPath: string; dominoPath: string } | undefined;

  const spawn = (): Worker => {
    paths ??= converterPaths();
    const worker = new Worker(HTML_WORKER_SOURCE, {
      eval: true,
      workerData: paths,
      resourceLimits: {
        maxOldGenerationSizeMb: maxMemoryMb,
        maxYoungGenerationSizeMb: 32,
        stackSizeMb,
      },
    });
    live.add(worker);
    peakWorkers = Math.max(peakWorkers, live.size);
    worker.once('exit', () => {
      live.delete(worker);
      if (idle === worker) idle = undefined;
      // A terminated worker (abort, error, out of memory) counts until it has exited, so the
      // pool never holds more than maxWorkers threads; its slot goes to the next in the queue.
      startQueued();
    });
    return worker;
  };

  /** Hands a worker to the first waiting call; false when none waits. */
  const handOver = (worker: Worker): boolean => {
    const next = queue.shift();
    if (next === undefined) return false;
    next.signal.removeEventListener('abort', next.onAbort);
    next.resolve(worker);
    return true;
  };

  const startQueued = (): void => {
    while (queue.length > 0 && live.size < maxWorkers) handOver(spawn());
  };

  const acquire = (signal: AbortSignal): Worker | Promise<Worker> => {
    if (idle !== undefined) {
      const worker = idle;
      idle = undefined;
      return worker;
    }
    if (live.size < maxWorkers) return spawn();
    return new Promise<Worker>((resolve, reject) => {
      const waiting: Waiting = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          queue.splice(queue.indexOf(waiting), 1);
          reject(signal.reason);
        },
      };
      queue.push(waiting);
      signal.addEventListener('abort', waiting.onAbort, { once: true });
    });
  };

  const release = (worker: Worker): void => {
    if (!live.has(worker)) return;
    if (handOver(worker)) return;
    if (idle === undefined) {
      worker.unref();
      idle = worker;
    } else {
      void worker.terminate();
    }
  };

  const run = (
    worker: Worker,
    { html, url, signal }: { html: string; url: string; signal: AbortSignal },
  ): Promise<ConvertedHtml> => {
    worker.ref();
    busy++;
    const id = ++nextId;
    return new Promise<ConvertedHtml>((resolve, reject) => {
      const cleanup = (): void => {
        busy--;
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        signal.removeEventListener('abort', onAbort);
      };
      const onMessage = (reply: WorkerReply): void => {
        if (reply.id !== id) return;
        cleanup();
        release(worker);
        if (reply.ok) resolve({ title: reply.title, markdown: reply.markdown });
        else reject(new Error(reply.error));
      };
      const onError = (error: Error): void => {
        cleanup();
        void worker.terminate();
        reject(error);
      };
      const onExit = (code: number): void => {
        cleanup();
        reject(new Error(`the HTML converter stopped unexpectedly (exit code ${code})`));
      };
      const onAbort = (): void => {
        cleanup();
        void worker.terminate();
        reject(signal.reason);
      };
      worker.on('message', onMessage);
      worker.once('error', onError);
      worker.once('exit', onExit);
      signal.addEventListener('abort', onAbort, { once: true });
      worker.postMessage({ id, html, url });
    });
  };

  return {
    convert(options) {
      const { signal } = options;
      if (signal.aborted) return Promise.reject(signal.reason);
      const acquired = acquire(signal);
      if (acquired instanceof Worker) return run(acquired, options);
      return acquired.then((worker) => {
        if (!signal.aborted) return run(worker, options);
        release(worker);
        throw signal.reason;
      });
    },
    stats() {
      return { workers: live.size, busy, queued: queue.length, peakWorkers };
    },
    async close() {
      idle = undefined;
      for (const waiting of queue.splice(0)) {
        waiting.signal.removeEventListener('abort', waiting.onAbort);
        waiting.reject(new Error('the HTML converter was closed'));
      }
      await Promise.all([...live].map((worker) => worker.terminate()));
    },
  };
}
