import type * as FsPromises from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import type { Logger } from '../logging/logger.ts';
import type { AgentUsage } from '../run/agent-result.ts';
import type { RunObservation, RunObserver, RunStartInfo } from '../telemetry/run-observer.ts';
import { toErrorType } from '../telemetry/to-error-type.ts';
import { version } from '../version.ts';
import { RECORDED_RUN_FORMAT, type RecordedError, type RecordedRunLine } from './recorded-run.ts';

// node:fs/promises loads at the first run recorded, not when gemloop is imported.
const require = createRequire(import.meta.url);
let fsModule: typeof FsPromises | undefined;
const fs = (): typeof FsPromises => (fsModule ??= require('node:fs/promises') as typeof FsPromises);

/** Options of {@link createRunRecorder}. */
export type RunRecorderOptions = {
  /** The folder of the run files. @defaultValue `.gemloop/runs` (under the working directory) */
  dir?: string | undefined;
  /**
   * The most bytes the folder keeps: after each new run, the oldest run files are deleted until
   * the rest fit. @defaultValue 100 MB
   */
  maxBytes?: number | undefined;
  /** The most bytes one run writes; later records are dropped, with a note. @defaultValue 20 MB */
  maxRunBytes?: number | undefined;
  /** Where write failures are reported (once per run). @defaultValue silent */
  logger?: Logger | undefined;
};

/** A recorder made by {@link createRunRecorder}: pass it as `createAgent({ recorder })`. */
export type RunRecorder = RunObserver & {
  /** The absolute folder the runs are written to. */
  readonly dir: string;
  /** Resolves once every line of the runs so far is on disk. */
  flush(): Promise<void>;
};

const MB = 1024 * 1024;

/**
 * Records every run of an agent to a local folder, one JSON-lines file per run, for
 * `npx gemloop view`: the steps, each model call's request and response, retries, tool calls
 * with arguments, results, errors and timings, usage, thought summaries and grounding sources.
 * Chat turns carry their session id. API keys and headers are never written. Writing never fails
 * a run: a write error is logged and that run's recording stops.
 *
 * Node only (Bun and Deno too): it needs the file system, so bundles for browsers and workers,
 * which load the portable build of `@gemloop/core`, do not have it.
 *
 * @example
 * ```ts
 * const agent = createAgent({ gemini, model, tools, recorder: createRunRecorder() });
 * ```
 * @throws {@link InvalidArgumentError} for a bad option.
 */
export function createRunRecorder(options: RunRecorderOptions = {}): RunRecorder {
  const dir = resolve(checkDir(options.dir));
  const maxBytes = checkBytes(options.maxBytes, 100 * MB, 'maxBytes');
  const maxRunBytes = checkBytes(options.maxRunBytes, 20 * MB, 'maxRunBytes');
  const logger = options.logger;
  const writes = new Set<Promise<void>>();
  let made: Promise<unknown> | undefined;

  const track = (promise: Promise<void>): void => {
    writes.add(promise);
    promise.finally(() => writes.delete(promise));
  };

  return {
    dir,
    async flush() {
      while (writes.size > 0) await Promise.all([...writes]);
    },
    startRun(info: RunStartInfo): RunObservation {
      const started = new Date(info.startedAt).toISOString().replace(/[:.]/g, '-');
      const file = join(dir, `${started}-${info.runId}.jsonl`);
      let written = 0;
      let stopped = false;
      made ??= fs().mkdir(dir, { recursive: true });
      // Lines are appended in order on one chain; the file opens with the first.
      let chain: Promise<FsPromises.FileHandle | undefined> = made.then(() => fs().open(file, 'a'));
      let full = false;
      const write = (line: RecordedRunLine): void => {
        // A run past its size limit still records how it ended.
        if (stopped && !(full && line.type === 'run-end')) return;
        let text = `${serialize(line)}\n`;
        if (!stopped && written + text.length > maxRunBytes) {
          stopped = true;
          full = true;
          text = `${serialize({ type: 'truncated', reason: `the run passed maxRunBytes (${maxRunBytes})`, at: line.at })}\n`;
        }
        written += text.length;
        chain = chain.then(async (handle) => {
          if (handle === undefined) return undefined;
          await handle.write(text);
          return handle;
        });
        chain = chain.catch((error: unknown) => {
          stopped = true;
          full = false;
          logger?.warn?.(
            { err: error, file },
            'run recorder: writing failed; this run is not recorded further',
          );
          return undefined;
        });
        track(chain.then(() => undefined));
      };
      const close = (): void => {
        const closing = chain.then(async (handle) => {
          await handle?.close();
          await prune(dir, maxBytes, file);
        });
        track(closing.catch(() => undefined));
      };

      write({
        type: 'run-start',
        format: RECORDED_RUN_FORMAT,
        runId: info.runId,
        agentName: info.agentName,
        model: info.model,
        baseUrl: info.baseUrl,
        streaming: info.streaming,
        conversationId: info.conversationId,
        input: info.input,
        gemloopVersion: version,
        at: info.startedAt,
      });

      return {
        modelCall({ stepNumber, request, streaming, startedAt }) {
          write({ type: 'model-call-start', stepNumber, streaming, request, at: startedAt });
          return {
            retry(event) {
              write({
                type: 'retry',
                stepNumber,
                attempt: event.attempt,
                delayMs: event.delayMs,
                error: toRecordedError(event.error),
                at: Date.now(),
              });
            },
            firstChunk(at) {
              write({ type: 'first-chunk', stepNumber, at });
            },
            end(outcome, at) {
              if ('error' in outcome)
                write({
                  type: 'model-call-end',
                  stepNumber,
                  error: toRecordedError(outcome.error),
                  at,
                });
              else write({ type: 'model-call-end', stepNumber, response: outcome.response, at });
            },
          };
        },
        toolCall({ stepNumber, toolName, toolCallId, toolType, args, startedAt }) {
          write({
            type: 'tool-call-start',
            stepNumber,
            toolName,
            toolCallId,
            toolType,
            args,
            at: startedAt,
          });
          return {
            end(record, at) {
              write({
                type: 'tool-call-end',
                stepNumber,
                toolName,
                toolCallId,
                outcome: record.outcome,
                output: record.outcome === 'success' ? record.output : undefined,
                error: record.error,
                durationMs: record.durationMs,
                at,
              });
            },
          };
        },
        stepEnd(step) {
          write({
            type: 'step-end',
            stepNumber: step.stepNumber,
            kind: step.kind,
            text: step.text,
            thoughts: step.thoughts,
            finishReason: step.finishReason,
            usage: step.usage,
            grounding: step.grounding,
            toolCalls: step.toolCalls.length,
            reask: step.reask?.reason,
            at: step.startedAt + step.modelMs + step.toolsMs,
          });
        },
        end(outcome, at) {
          if ('error' in outcome) {
            const usage = (outcome.error as { run?: { usage?: AgentUsage } } | null)?.run?.usage;
            write({
              type: 'run-end',
              outcome: 'error',
              error: toRecordedError(outcome.error),
              usage,
              at,
            });
          } else {
            const { result } = outcome;
            write({
              type: 'run-end',
              outcome: 'success',
              finishReason: result.finishReason,
              text: result.text,
              usage: result.usage,
              at,
            });
          }
          close();
        },
      };
    },
  };
}

function toRecordedError(error: unknown): RecordedError {
  const message =
    error instanceof Error ? error.message : typeof error === 'string' ? error : String(error);
  const status = (error as { status?: unknown } | null)?.status;
  const name = error instanceof Error ? error.name : toErrorType(error);
  return typeof status === 'number' ? { name, message, status } : { name, message };
}

// Media bytes and thought signatures are opaque and large; the viewer shows their size instead.
const LONG_OPAQUE = 2048;

function serialize(line: RecordedRunLine): string {
  return JSON.stringify(line, (key, value: unknown) => {
    if (
      typeof value === 'string' &&
      value.length > LONG_OPAQUE &&
      (key === 'data' || key === 'thoughtSignature')
    )
      return `[${value.length} characters omitted]`;
    if (typeof value === 'bigint') return value.toString();
    return value;
  });
}

/** Deletes the oldest run files until the folder fits in `maxBytes` (never the current run). */
async function prune(dir: string, maxBytes: number, current: string): Promise<void> {
  const names = (await fs().readdir(dir)).filter((name) => name.endsWith('.jsonl')).sort();
  const sizes = await Promise.all(
    names.map(
      async (name) =>
        (
          await fs()
            .stat(join(dir, name))
            .catch(() => undefined)
        )?.size ?? 0,
    ),
  );
  let total = sizes.reduce((sum, size) => sum + size, 0);
  for (let index = 0; index < names.length && total > maxBytes; index++) {
    const path = join(dir, names[index] as string);
    if (path === current) continue;
    await fs().rm(path, { force: true });
    total -= sizes[index] as number;
  }
}

function checkDir(dir: unknown): string {
  if (dir === undefined) return join('.gemloop', 'runs');
  if (typeof dir !== 'string' || dir.trim() === '') {
    throw new InvalidArgumentError({
      argument: 'dir',
      message: "dir must be a folder path such as '.gemloop/runs', or left out.",
    });
  }
  return dir;
}

function checkBytes(value: unknown, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 1024) {
    throw new InvalidArgumentError({
      argument: name,
      message: `${name} must be a number of bytes, at least 1024; got ${String(value)}.`,
    });
  }
  return value;
}
