import type * as FsPromises from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import type { Logger } from '../logging/logger.ts';
import type { Cost } from '../models/cost.ts';
import {
  checkedWhereUsed,
  type DeclaredOptions,
  defineOptions,
  describeValue,
} from '../options/define-options.ts';
import type { AgentUsage } from '../run/agent-result.ts';
import { cutTextNoted } from '../shared/cut-text.ts';
import type { RunObservation, RunObserver, RunStartInfo } from '../telemetry/run-observer.ts';
import { toolResultMark } from '../tools/responses/tool-result-mark.ts';
import { version } from '../version.ts';
import { createFolderPruner } from './create-folder-pruner.ts';
import { createMediaOnce } from './create-media-once.ts';
import { RUN_HEARTBEAT_MS } from './prune-run-files.ts';
import { recordContinuation, recordedLineOf } from './recorded-line-of.ts';
import {
  MAX_RECORDED_NAME_CHARS,
  RECORDED_RUN_FORMAT,
  type RecordedFidelity,
  type RecordedRunLine,
} from './recorded-run.ts';
import {
  checkBytes,
  checkDir,
  recorderFs as fs,
  makeFolder,
  pruneOpenFlags,
  recorderLogger,
} from './recorder-files.ts';
import { runFileName } from './run-file.ts';
import { endLine, LONG_OPAQUE, serializeLine, startLine } from './serialize-line.ts';
import { toRecordedError } from './to-recorded-error.ts';

/** Options of {@link createRunRecorder}. */
export type RunRecorderOptions = {
  /** The folder of the run files. @defaultValue `.gemloop/runs` (under the working directory) */
  dir?: string | undefined;
  /**
   * The most bytes of run files the folder keeps: once a run passes it, the oldest finished run
   * files are deleted until the rest fit in seven eighths of it. The folder is walked (a `stat`
   * of each run file) only when the runs this recorder wrote since the last walk could pass the
   * bound, or a minute after it (runs another process writes to the folder are pruned then), not
   * after every run: a server's runs do not slow down with the runs it has kept. Only files this recorder writes are counted and deleted
   * (named `<time>-<run id>.jsonl` and starting with a `run-start` line); other files in the
   * folder are left alone. A run still being written, by this process or another one, is never
   * deleted: a run file without its closing line counts as being written until its mtime is 10
   * minutes old (a recorder touches the files of its open runs every minute).
   * @defaultValue 100 MB
   */
  maxBytes?: number | undefined;
  /**
   * The most bytes (UTF-8) one run writes; later records are dropped, with a note (the closing
   * line is still written). @defaultValue 20 MB
   */
  maxRunBytes?: number | undefined;
  /**
   * How whole the opaque fields of requests and responses (thought signatures, inline media
   * `data`) are written. `'shortened'`: one longer than 2,048 characters becomes
   * `"[N characters omitted]"`, which keeps run files small for the viewer, but a replay of the
   * run cannot send the model's signatures back as they were. A function call's `name` or `id`
   * past 128 characters (no declared tool's: a model calling one it was not given) is cut there
   * with a note, in both fidelities' tool call lines, and in `'shortened'` requests and responses. `'full'`: each is kept whole up to
   * `maxOpaqueBytes`, so a replay (`@gemloop/evals`) is byte for byte; a longer one is still
   * shortened, as `"[N characters omitted: past maxOpaqueBytes]"`. A full recording's run-start
   * line says so (`fidelity`, `maxOpaqueBytes`). Each distinct media value is written whole once
   * per run file; a later copy (the same image in the next step's history) is a reference,
   * `"[N characters omitted: same as sha256:<hex>]"`, that `createRecordedMediaResolver` (and so
   * `@gemloop/evals`) turns back into the same bytes. The run-start's `input` stays shortened when keeping it whole
   * would make that line longer than {@link MAX_FULL_RUN_START_BYTES} (the viewer lists runs by
   * their first line); the first request holds the same input whole. Pair `'full'` with a
   * `maxRunBytes` large enough for the media a run sends. @defaultValue 'shortened'
   */
  fidelity?: RecordedFidelity | undefined;
  /**
   * With `fidelity: 'full'`: the longest opaque value (UTF-8 bytes; signatures and media are
   * base64, one byte a character) kept whole. At least 2,048. @defaultValue 1 MB
   */
  maxOpaqueBytes?: number | undefined;
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

// Unknown keys refused, naming the one meant (attack13): a misspelt `directory` wrote the runs to
// the default folder without a word. Each value is checked where it is read.
const runRecorderKeys: DeclaredOptions<RunRecorderOptions> = defineOptions<RunRecorderOptions>({
  name: 'createRunRecorder',
  example: "{ dir: '.gemloop/runs' }",
  checks: {
    dir: checkedWhereUsed,
    maxBytes: checkedWhereUsed,
    maxRunBytes: checkedWhereUsed,
    fidelity: checkedWhereUsed,
    maxOpaqueBytes: checkedWhereUsed,
    logger: recorderLogger,
  },
});

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
  runRecorderKeys.check(options);
  const dir = resolve(checkDir(options.dir));
  const maxBytes = checkBytes(options.maxBytes, 100 * MB, 'maxBytes');
  const maxRunBytes = checkBytes(options.maxRunBytes, 20 * MB, 'maxRunBytes');
  const { fidelity, maxOpaqueBytes } = checkFidelity(options);
  const opaqueLimit = fidelity === 'full' ? maxOpaqueBytes : LONG_OPAQUE;
  const serialize = (line: RecordedRunLine): string => serializeLine(line, opaqueLimit, fidelity);
  const logger = options.logger;
  const writes = new Set<Promise<void>>();
  let made: Promise<unknown> | undefined;
  // The runs being written, each with how to refresh its file's mtime (see STALE_RUN_MS).
  const open = new Map<string, () => void>();
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  // Walks the folder when it may have passed maxBytes, not after every run (attack50a).
  const pruner = createFolderPruner({
    fs,
    openFlags: pruneOpenFlags,
    dir,
    maxBytes,
    open: () => new Set(open.keys()),
  });

  const opened = (file: string, touch: () => void): void => {
    open.set(file, touch);
    if (heartbeat !== undefined) return;
    heartbeat = setInterval(() => {
      for (const touchRun of open.values()) touchRun();
    }, RUN_HEARTBEAT_MS);
    // A recorder never keeps the process alive.
    heartbeat.unref?.();
  };
  const closed = (file: string): void => {
    open.delete(file);
    if (open.size > 0 || heartbeat === undefined) return;
    clearInterval(heartbeat);
    heartbeat = undefined;
  };

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
      const file = join(dir, runFileName(info.startedAt, info.runId));
      let written = 0;
      let stopped = false;
      // The open file, closed by the run's end, or at once when a write fails.
      let fileHandle: FsPromises.FileHandle | undefined;
      made ??= makeFolder(dir);
      // Lines are appended in order on one chain; the file opens with the first. A folder removed
      // since it was made (`rm -rf .gemloop/runs` while a server runs) is made again: else every
      // later run of the process would fail to open its file.
      let chain: Promise<FsPromises.FileHandle | undefined> = made
        .catch(() => undefined)
        .then(() => fs().open(file, 'a'))
        .catch(async (error: unknown) => {
          if ((error as { code?: unknown } | null)?.code !== 'ENOENT') throw error;
          await makeFolder(dir);
          return fs().open(file, 'a');
        })
        .then((handle) => {
          fileHandle = handle;
          return handle;
        });
      let full = false;
      // Full fidelity: each distinct media value once per file (an image rides in every later
      // step's request). Not the run-start line, which may be written again shortened.
      const media = fidelity === 'full' ? createMediaOnce() : undefined;
      const serializeRun = (line: RecordedRunLine): string =>
        serializeLine(line, opaqueLimit, fidelity, media);
      const write = (line: RecordedRunLine): void => {
        // A run past its size limit still records how it ended, without its answer's text (as
        // long as the rest of the run could be): the file stays near maxRunBytes.
        if (stopped && !(full && line.type === 'run-end')) return;
        let text =
          full && line.type === 'run-end'
            ? endLine(line, serialize)
            : line.type === 'run-start'
              ? startLine(line, serialize)
              : `${serializeRun(line)}\n`;
        // Bytes as written (UTF-8), not string length: CJK text is 3 bytes a character.
        let bytes = Buffer.byteLength(text);
        if (line.type === 'run-start' && bytes > maxRunBytes) {
          // The first line is always the run's start: it is what marks the file as a run (the
          // pruner and the viewer read it), so a start too long for the run keeps all but its input.
          text = `${serialize({ ...line, input: `[${bytes} bytes of input omitted: past maxRunBytes]` })}\n`;
          bytes = Buffer.byteLength(text);
        }
        if (!stopped && written + bytes > maxRunBytes) {
          stopped = true;
          full = true;
          text = `${serialize({ type: 'truncated', reason: `the run passed maxRunBytes (${maxRunBytes})`, at: line.at })}\n`;
          if (line.type === 'run-end') text += endLine(line, serialize);
          bytes = Buffer.byteLength(text);
        }
        written += bytes;
        chain = chain.then(async (handle) => {
          if (handle === undefined) return undefined;
          await handle.write(text);
          return handle;
        });
        chain = chain.catch(async (error: unknown) => {
          stopped = true;
          full = false;
          logger?.warn?.(
            { err: error, file },
            'run recorder: writing failed; this run is not recorded further',
          );
          // Closed here: dropped, it stayed open until the garbage collector closed it (Node's
          // DEP0137 warning), a descriptor for each run a full disk stopped (attack29).
          const failed = fileHandle;
          fileHandle = undefined;
          await failed?.close().catch(() => undefined);
          return undefined;
        });
        track(chain.then(() => undefined));
      };
      opened(file, () => {
        // After the writes queued so far; a failed touch is harmless (the next one may work).
        const now = new Date();
        track(
          chain.then(async (handle) => {
            await handle?.utimes(now, now).catch(() => undefined);
          }),
        );
      });
      const close = (): void => {
        const closing = chain
          .then(async (handle) => {
            await handle?.close();
          })
          .finally(() => closed(file))
          .then(() => pruner.closed(written))
          .catch((error: unknown) => {
            logger?.warn?.({ err: error, dir }, 'run recorder: pruning old runs failed');
          });
        track(closing);
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
        path: info.path,
        parentRunId: info.parentRunId,
        ...(info.parentCall === undefined
          ? {}
          : {
              parentStepNumber: info.parentCall.stepNumber,
              parentToolCallId: info.parentCall.toolCallId,
              parentCallIndex: info.parentCall.callIndex,
            }),
        gemloopVersion: version,
        // Only a full recording says so: a default one is the same file it always was.
        ...(fidelity === 'full' ? { fidelity, maxOpaqueBytes } : {}),
        at: info.startedAt,
        // Last: it can be long, and a reader of the file's first bytes (the viewer's list) gets
        // every other field before it.
        input: info.input,
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
                  // What a cut or aborted stream was billed for, as the run counts it.
                  ...(outcome.cost === undefined ? {} : { cost: outcome.cost }),
                  at,
                });
              else
                write({
                  type: 'model-call-end',
                  stepNumber,
                  response: outcome.response,
                  cost: outcome.cost,
                  at,
                });
            },
          };
        },
        toolCall({ stepNumber, toolType, args, startedAt, ...call }) {
          // Cut as the request and response lines cut them (serialize-line.ts' boundCallNames):
          // the model names an undeclared tool and its call's id, megabytes of them if it likes.
          const toolName = cutTextNoted(call.toolName, MAX_RECORDED_NAME_CHARS);
          const toolCallId = cutTextNoted(call.toolCallId, MAX_RECORDED_NAME_CHARS);
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
              const output = record.outcome === 'success' ? record.output : undefined;
              // Whether an output of toolResult()'s shape was one (media) or the tool's data: the
              // line's JSON loses the mark, and a replay answers as it was sent (toolresult45).
              const mark = toolResultMark(output);
              write({
                type: 'tool-call-end',
                stepNumber,
                toolName,
                toolCallId,
                outcome: record.outcome,
                output,
                ...(mark === undefined ? {} : { toolResult: mark }),
                // What ran instead of the model's arguments (`tool-call-start`'s), redacted.
                ...(record.modified === true ? { modifiedArgs: record.args } : {}),
                error: record.error,
                // A built-in run as a function (Gemini 2.x's google_search) grounds its call, not
                // the step: without this its sources reached neither the file nor the viewer.
                ...(record.grounding === undefined ? {} : { grounding: record.grounding }),
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
            cost: step.cost,
            ...(step.usageWithChildren === undefined
              ? {}
              : {
                  usageWithChildren: step.usageWithChildren,
                  costWithChildren: step.costWithChildren,
                  usageByAgent: step.usageByAgent,
                }),
            grounding: step.grounding,
            toolCalls: step.toolCalls.length,
            reask: step.reask?.reason,
            ...(step.continuation === undefined
              ? {}
              : { continuation: recordContinuation(step.continuation) }),
            ...(step.interrupted === true ? { interrupted: true as const } : {}),
            at: step.startedAt + step.modelMs + step.toolsMs,
          });
        },
        // The run's facts beside its calls (guardrail checks, handoffs, compactions, hops, plugins'
        // reports, steers), read from its events: a line each, bounded.
        event(event, at) {
          const line = recordedLineOf(event, at);
          if (line !== undefined) write(line);
        },
        end(outcome, at) {
          if ('error' in outcome) {
            // The run's own spend when the loop gave it; else the error's run (a custom loop).
            const run =
              outcome.usage !== undefined
                ? outcome
                : (outcome.error as { run?: { usage?: AgentUsage; cost?: Cost } } | null)?.run;
            write({
              type: 'run-end',
              outcome: 'error',
              error: toRecordedError(outcome.error),
              usage: run?.usage,
              cost: run?.cost,
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
              cost: result.cost,
              at,
            });
          }
          close();
        },
      };
    },
  };
}

function checkFidelity(options: RunRecorderOptions): {
  fidelity: RecordedFidelity;
  maxOpaqueBytes: number;
} {
  const fidelity = options.fidelity ?? 'shortened';
  if (fidelity !== 'shortened' && fidelity !== 'full') {
    throw new InvalidArgumentError({
      argument: 'fidelity',
      message: `fidelity must be 'shortened' (the default) or 'full'; got ${describeValue(fidelity)}.`,
    });
  }
  if (fidelity === 'shortened' && options.maxOpaqueBytes !== undefined) {
    throw new InvalidArgumentError({
      argument: 'maxOpaqueBytes',
      message:
        "maxOpaqueBytes applies only with fidelity: 'full' (a shortened recording cuts opaque values at 2,048 characters); add fidelity: 'full' or leave maxOpaqueBytes out.",
    });
  }
  const maxOpaqueBytes = options.maxOpaqueBytes ?? MB;
  if (
    typeof maxOpaqueBytes !== 'number' ||
    !Number.isFinite(maxOpaqueBytes) ||
    maxOpaqueBytes < LONG_OPAQUE
  ) {
    throw new InvalidArgumentError({
      argument: 'maxOpaqueBytes',
      message: `maxOpaqueBytes must be a number of bytes, at least ${LONG_OPAQUE}; got ${describeValue(maxOpaqueBytes)}.`,
    });
  }
  return { fidelity, maxOpaqueBytes };
}
