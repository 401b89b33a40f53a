import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { HTML_WORKER_SOURCE } from './html-worker-source.ts';

/** HTML turned into markdown, with the page title. @internal */
export type ConvertedHtml = { title: string; markdown: string };

/** Converts HTML off the main thread; see {@link createHtmlConverter}. @internal */
export type HtmlConverter = {
  /**
   * Converts one page. Rejects with the signal's reason when it aborts (the worker is terminated
   * at once, mid-conversion), and with an `Error` when the conversion fails or runs out of memory.
   */
  convert(options: { html: string; url: string; signal: AbortSignal }): Promise<ConvertedHtml>;
  /** Terminates every worker. Later `convert` calls start a new one. */
  close(): Promise<void>;
};

/** The options of {@link createHtmlConverter}. @internal */
export type HtmlConverterOptions = {
  /** Heap limit of a worker in MB; past it the conversion fails instead of the process. */
  maxMemoryMb: number;
  /** Stack size of a worker in MB; deeper HTML fails to convert. @defaultValue 4 (Node's default) */
  stackSizeMb?: number | undefined;
};

type WorkerReply =
  | { id: number; ok: true; title: string; markdown: string }
  | { id: number; ok: false; error: string };

/**
 * Runs turndown in worker threads (see `html-worker-source.ts` for why). One worker is kept idle
 * between calls, so a burst of fetches pays the start-up (about 100 ms: a thread plus turndown
 * and domino) once; concurrent conversions each get their own worker. An idle worker is
 * `unref`'d, so it never keeps the process alive; a busy one is `ref`'d until it answers.
 * @internal
 */
export function createHtmlConverter({
  maxMemoryMb,
  stackSizeMb = 4,
}: HtmlConverterOptions): HtmlConverter {
  let idle: Worker | undefined;
  let nextId = 0;
  const live = new Set<Worker>();
  let paths: { turndownPath: string; dominoPath: string } | undefined;

  const spawn = (): Worker => {
    if (paths === undefined) {
      const turndownPath = createRequire(import.meta.url).resolve('turndown');
      // domino is turndown's dependency, not ours: resolve it from turndown's own location.
      paths = {
        turndownPath,
        dominoPath: createRequire(turndownPath).resolve('@mixmark-io/domino'),
      };
    }
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
    worker.once('exit', () => {
      live.delete(worker);
      if (idle === worker) idle = undefined;
    });
    return worker;
  };

  const release = (worker: Worker): void => {
    if (idle === undefined && live.has(worker)) {
      worker.unref();
      idle = worker;
    } else {
      void worker.terminate();
    }
  };

  return {
    convert({ html, url, signal }) {
      if (signal.aborted) return Promise.reject(signal.reason);
      const worker = idle ?? spawn();
      idle = undefined;
      worker.ref();
      const id = ++nextId;
      return new Promise<ConvertedHtml>((resolve, reject) => {
        const cleanup = (): void => {
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
    },
    async close() {
      idle = undefined;
      await Promise.all([...live].map((worker) => worker.terminate()));
    },
  };
}
