import { isUtf8 } from 'node:buffer';
import { readdir } from 'node:fs/promises';
import { InvalidArgumentError } from '@gemloop/core';
import { describeOptionValue } from '../describe-option-value.ts';
import { newestRunFilesFirst } from '../run-file-order.ts';
import { notUtf8Problem } from './decode-recorded-text.ts';
import {
  errorCode,
  firstLineStart,
  isRunFileProblem,
  type OpenRunFile,
  openRunFile,
  type ReadCounters,
  readRunBytes,
} from './open-run-file.ts';
import {
  isLine,
  type RunSummary,
  summarizeLive,
  summarizeRun,
  unreadableRun,
} from './summarize-run.ts';

export type { ReadCounters } from './open-run-file.ts';
export type { RunSummary } from './summarize-run.ts';

/**
 * How much the viewer reads: a run file is bytes from anywhere (a huge file, a symlink to
 * `/dev/zero`), so every read is bounded.
 */
export type ViewLimits = {
  /** The most run files one list poll looks at (newest first, by name). @defaultValue 500 */
  maxRunsListed: number;
  /**
   * A run file up to this size is read whole for its row of the list; of a larger one the list
   * reads its first line (at most `listHeadBytes`) and this many bytes from its end.
   * @defaultValue 1 MiB
   */
  listReadBytes: number;
  /** The most bytes the list reads for a large file's first line. @defaultValue 64 KiB */
  listHeadBytes: number;
  /**
   * The most bytes of one run the run view reads; past it the view ends with a note that the
   * file was cut. Above the recorder's default `maxRunBytes` (20 MB), so a run it writes is
   * shown whole. @defaultValue 24 MiB
   */
  maxViewBytes: number;
};

const MIB = 1024 * 1024;

/** The viewer's bounds, each named in the README's security notes. */
export const DEFAULT_VIEW_LIMITS: ViewLimits = {
  maxRunsListed: 500,
  listReadBytes: MIB,
  listHeadBytes: 64 * 1024,
  maxViewBytes: 24 * MIB,
};

/**
 * The summaries of the last poll by file name, each with the `dev:ino:size:mtime` it was made
 * from: a poll re-reads only the files that changed.
 */
export type RunListCache = Map<string, { key: string; summary: RunSummary | undefined }>;

/**
 * The run without an end that {@link readRunLines} read last, with the `dev:ino:size:mtime` it
 * was read from: the page polls such a run every second, and one that stopped being written (its
 * process died) is then not read again.
 */
export type RunViewCache = { last?: { id: string; key: string; run: RunLines } | undefined };

/** What {@link readRunSummaries} and {@link readRunLines} take besides the folder. */
export type ReadRunsOptions = {
  /** @defaultValue {@link DEFAULT_VIEW_LIMITS} */
  limits?: Partial<ViewLimits> | undefined;
  /** The list's cache ({@link readRunSummaries}). */
  cache?: RunListCache | undefined;
  /** The view's cache ({@link readRunLines}). */
  viewCache?: RunViewCache | undefined;
  /** Counts the bytes read and files opened (tests, diagnostics). */
  counters?: ReadCounters | undefined;
  /**
   * The clock {@link readRunLines} and {@link readRunSummaries} tell an abandoned run by.
   * @defaultValue `Date.now`
   */
  now?: (() => number) | undefined;
};

/**
 * How long a run file without its end may go unwritten before the view calls it abandoned: the
 * recorder touches the files of its open runs every minute, and its pruner takes one untouched
 * for 10 minutes for a run whose process stopped (core's `STALE_RUN_MS`, prune-run-files.ts).
 */
const ABANDONED_RUN_MS = 10 * 60_000;

/** A run file's name: `<ISO time with - for : and .>-<run id>.jsonl`. */
const RUN_FILE = /^[0-9A-Za-z-]{1,200}\.jsonl$/;

/** Files read at once by a poll: a folder of hundreds never opens hundreds of descriptors. */
const PARALLEL_READS = 8;

const LF = 0x0a;
const CR = 0x0d;

/**
 * The line ends of `bytes` from a position on: LF, CRLF, or a CR alone (old Mac line ends, or a
 * file edited on two systems: before, its lines read as one that is not JSON, the run
 * unreadable). A raw CR is never inside a JSON string (RFC 8259 section 7 escapes it), so it only
 * ends a line. Each byte is searched once: the next CR and LF found are kept until passed (a
 * file without CR would otherwise be searched to its end for every line).
 */
function lineEnds(bytes: Buffer): (from: number) => { end: number; next: number } | undefined {
  let cr = -2;
  let lf = -2;
  return (from) => {
    if (cr !== -1 && cr < from) cr = bytes.indexOf(CR, from);
    if (lf !== -1 && lf < from) lf = bytes.indexOf(LF, from);
    if (cr === -1 && lf === -1) return undefined;
    const end = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
    return { end, next: end === cr && lf === cr + 1 ? end + 2 : end + 1 };
  };
}

/**
 * Summarises the newest run files of `dir` (at most `maxRunsListed`, newest first: the files named
 * by the recorder, then the others by name). A file that
 * is not a run (its first line some other JSON) or is empty (a run just created) is left out; a
 * file named like a run that cannot be read (a FIFO, a symlink out of the folder, a first line
 * that is not JSON) is a row with outcome `unreadable` saying why. A folder that does not exist is
 * an empty list.
 */
export async function readRunSummaries(
  dir: string,
  options: ReadRunsOptions = {},
): Promise<RunSummary[]> {
  const limits = resolveViewLimits(options.limits);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return [];
    throw error;
  }
  const files = names
    .filter((name) => RUN_FILE.test(name))
    .sort(newestRunFilesFirst)
    .slice(0, limits.maxRunsListed);
  const cache = options.cache;
  if (cache !== undefined) {
    const listed = new Set(files);
    for (const name of cache.keys()) if (!listed.has(name)) cache.delete(name);
  }
  const summaries = await mapLimited(files, PARALLEL_READS, (name) =>
    summarizeFile(dir, name, limits, options),
  );
  return summaries.filter((summary): summary is RunSummary => summary !== undefined);
}

async function summarizeFile(
  dir: string,
  name: string,
  limits: ViewLimits,
  { cache, counters, now = Date.now }: Pick<ReadRunsOptions, 'cache' | 'counters' | 'now'>,
): Promise<RunSummary | undefined> {
  const id = name.slice(0, -'.jsonl'.length);
  const file = await openRunFile(dir, name, counters);
  if (file === undefined) return undefined;
  if (isRunFileProblem(file)) return unreadableRun(id, file.problem);
  try {
    const cached = cache?.get(name);
    // Staleness is judged at each poll, after the cache: an abandoned file no longer changes, so
    // its key, and the `running` row cached with it, would stay the same forever.
    if (cached !== undefined && cached.key === file.key)
      return abandonedWhenStale(cached.summary, file.mtimeMs, now());
    let summary: RunSummary | undefined;
    try {
      summary = await summarizeContent(id, file, limits, counters);
    } catch (error) {
      // One bad file is one row, never a failed list; named by its code, never its message,
      // which may name this machine's paths (the page shows the row).
      summary = unreadableRun(id, `cannot be read (${errorCode(error)})`);
    }
    cache?.set(name, { key: file.key, summary });
    return abandonedWhenStale(summary, file.mtimeMs, now());
  } finally {
    await file.handle.close();
  }
}

/**
 * `summary` with outcome `abandoned` when it is `running` (no end line: a run or a live session)
 * and its file has gone unwritten for over {@link ABANDONED_RUN_MS}: the run view's rule
 * ({@link readRunLines}), so the list and the page agree. The recorders touch an open run's file
 * every minute, so only a run whose process stopped (crashed, killed) gets there.
 */
function abandonedWhenStale(
  summary: RunSummary | undefined,
  mtimeMs: number,
  now: number,
): RunSummary | undefined {
  if (summary?.outcome !== 'running' || now - mtimeMs <= ABANDONED_RUN_MS) return summary;
  return { ...summary, outcome: 'abandoned' };
}

async function summarizeContent(
  id: string,
  file: OpenRunFile,
  limits: ViewLimits,
  counters: ReadCounters | undefined,
): Promise<RunSummary | undefined> {
  if (file.size === 0) return undefined;
  if (file.size <= limits.listReadBytes) {
    const bytes = await readRunBytes(file, 0, file.size, counters);
    const numbered = [...numberedLines(bytes, true)];
    // Refused in the words of `gemloop replay` and `diff` (readRecordedFile), which refuse it.
    const notUtf8 = numbered.find((line) => line.value === NOT_UTF8);
    if (notUtf8 !== undefined) return unreadableRun(id, notUtf8Problem(notUtf8.number));
    const lines = numbered.map((line) => line.value);
    const first = lines[0];
    // No whole line yet: a first line still being written (or blank lines): no run to show yet.
    if (first === undefined) return undefined;
    if (first === NOT_JSON) return unreadableRun(id, 'its first line is not JSON');
    if (isLine(first) && first['type'] === 'live-start')
      return summarizeLive(id, first, lines, false);
    if (!isLine(first) || first['type'] !== 'run-start') return undefined;
    return summarizeRun(id, first, lines, false);
  }
  const head = await readRunBytes(file, 0, Math.min(limits.listHeadBytes, file.size), counters);
  const start = parseStart(head);
  if (start === NOT_UTF8) return unreadableRun(id, notUtf8Problem(1));
  if (start === undefined)
    return unreadableRun(
      id,
      `its first line is not a run-start line of at most ${limits.listHeadBytes} bytes`,
    );
  if (start['type'] !== 'run-start' && start['type'] !== 'live-start') return undefined;
  const tailStart = file.size - limits.listReadBytes;
  const tail = await readRunBytes(file, tailStart, limits.listReadBytes, counters);
  return start['type'] === 'live-start'
    ? summarizeLive(id, start, parseLines(tail, false), true)
    : summarizeRun(id, start, parseLines(tail, false), true);
}

// why (sentinel): compared by identity inside this module, carries nothing.
/** What {@link parseLines} gives for a whole line that is not JSON. */
const NOT_JSON = Symbol('not JSON');
// why (sentinel): as NOT_JSON.
/**
 * What {@link numberedLines} gives for a whole line that is not UTF-8: read as U+FFFD it was shown
 * as text no run wrote, where the commands that read run files refuse the file by name.
 */
const NOT_UTF8 = Symbol('not UTF-8');

/**
 * The lines of `bytes` ended by LF, CRLF or CR ({@link lineEnds}), parsed (a line that is not JSON is {@link NOT_JSON}). The
 * bytes after the last newline are a line still being written: left out. When `fromStart` is
 * false the bytes before the first newline are the end of a line cut by the read: left out too.
 */
function parseLines(bytes: Buffer, fromStart: boolean): unknown[] {
  return [...numberedLines(bytes, fromStart)].map((line) => line.value);
}

/**
 * {@link parseLines} with each line's number in the file (from 1, blank lines counted) when
 * `fromStart` (else from the first whole line read).
 */
function* numberedLines(
  bytes: Buffer,
  fromStart: boolean,
): Generator<{ number: number; value: unknown }> {
  const nextEnd = lineEnds(bytes);
  let position = fromStart ? firstLineStart(bytes) : (nextEnd(0)?.next ?? 0);
  if (!fromStart && position === 0) return;
  let number = 0;
  for (;;) {
    const found = nextEnd(position);
    if (found === undefined) break;
    const text = bytes.toString('utf8', position, found.end);
    // U+FFFD is in the text for each byte that is not UTF-8, and rarely otherwise: the strict
    // check runs on those lines only.
    const valid = !text.includes('\uFFFD') || isUtf8(bytes.subarray(position, found.end));
    position = found.next;
    number++;
    if (!valid) {
      yield { number, value: NOT_UTF8 };
      continue;
    }
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = NOT_JSON;
    }
    yield { number, value };
  }
}

/**
 * A large file's `run-start` line from its first bytes. When the line is longer than they are,
 * its fields before `input` (which the recorder writes last, and which is the only long one)
 * are read on their own.
 */
function parseStart(head: Buffer): Record<string, unknown> | typeof NOT_UTF8 | undefined {
  const newline = lineEnds(head)(0)?.end ?? -1;
  const text = head.toString('utf8', firstLineStart(head), newline === -1 ? head.length : newline);
  // A line cut by the head's end may end inside a character: only a whole line is judged.
  if (newline !== -1 && text.includes('\uFFFD') && !isUtf8(head.subarray(0, newline))) {
    return NOT_UTF8;
  }
  if (newline !== -1) {
    try {
      const value: unknown = JSON.parse(text);
      return isLine(value) ? value : undefined;
    } catch {
      // Not JSON: maybe the fields before input are.
    }
  }
  // `,"input":` cannot occur inside an earlier field: those are strings, numbers and booleans,
  // and a quote inside a string is escaped.
  const input = text.indexOf(',"input":');
  if (input === -1) return undefined;
  try {
    const value: unknown = JSON.parse(`${text.slice(0, input)}}`);
    return isLine(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A run's lines as {@link readRunLines} reads them. */
export type RunLines = {
  /**
   * The lines that are JSON objects with a `type`, in file order; in the place of a whole line
   * that is not one, the viewer's note `{ type: 'unreadable-line', by: 'viewer', line, reason,
   * at }` naming its line number (from 1).
   */
  lines: Record<string, unknown>[];
  /** The file was longer than `maxViewBytes`: only its first bytes were read. */
  cut: boolean;
};

/**
 * The lines of one run, or `undefined` when `id` names no run file of `dir` (the id is checked
 * against the file-name pattern, so it can never leave the folder), or what is wrong with the
 * file (a FIFO, a symlink out of the folder). At most `maxViewBytes` are read: a longer file ends
 * with a `truncated` line (`by: 'viewer'`) saying how much of it is shown. A whole line that is
 * not a run line (torn by a crash, then written after) becomes an `unreadable-line` note naming
 * it; the last line without its line end is one still being written, left out. A run without
 * its end whose file went unwritten for 10 minutes ends with an `abandoned` note (`by:
 * 'viewer'`): its recorder's process stopped.
 */
export async function readRunLines(
  dir: string,
  id: string,
  options: ReadRunsOptions = {},
): Promise<RunLines | { problem: string } | undefined> {
  const limits = resolveViewLimits(options.limits);
  const name = `${id}.jsonl`;
  if (!RUN_FILE.test(name)) return undefined;
  const file = await openRunFile(dir, name, options.counters);
  if (file === undefined || isRunFileProblem(file)) return file;
  try {
    const previous = options.viewCache?.last;
    if (previous !== undefined && previous.id === id && previous.key === file.key)
      return previous.run;
    const length = Math.min(file.size, limits.maxViewBytes);
    const bytes = await readRunBytes(file, 0, length, options.counters);
    const cut = file.size > length;
    const lines: Record<string, unknown>[] = [];
    let last: number | undefined;
    for (const { number, value } of numberedLines(bytes, true)) {
      // Refused whole, in the words of `gemloop replay` and `diff` (readRecordedFile).
      if (value === NOT_UTF8) return { problem: notUtf8Problem(number) };
      if (!isLine(value)) {
        // A whole line that is no run line (torn by a crash and written after, a hand edit):
        // dropped, the page showed the run as if whole (attack29). Said in its place, by its
        // number, without its bytes (they are from anywhere).
        lines.push(unreadableLine(number, value, last));
        continue;
      }
      lines.push(value);
      if (typeof value['at'] === 'number') last = value['at'];
    }
    const ended = lines.some((line) => line['type'] === 'run-end' || line['type'] === 'live-end');
    const idle = (options.now ?? Date.now)() - file.mtimeMs;
    if (!cut && !ended && idle > ABANDONED_RUN_MS) {
      // A run whose process crashed or was killed: no end will come. Before, the page said
      // "Run in progress (updating live)" and polled it every second, forever (attack29).
      lines.push({
        type: 'abandoned',
        by: 'viewer',
        reason: `No line was written for ${Math.floor(idle / 60_000)} minutes and the run has no end: the process recording it stopped (crashed or killed) before the run ended.`,
        at: last,
      });
    }
    if (cut)
      lines.push({
        type: 'truncated',
        by: 'viewer',
        reason: `The viewer read the first ${formatBytes(length)} of this ${formatBytes(file.size)} file (its maxViewBytes); the rest is not shown.`,
        at: last,
      });
    const run = { lines, cut };
    // Only a run the page polls (no end yet, not cut) is kept: a finished one is read once per
    // visit, and its lines are not held after.
    const polled = !cut && !ended && idle <= ABANDONED_RUN_MS;
    if (options.viewCache !== undefined)
      options.viewCache.last = polled ? { id, key: file.key, run } : undefined;
    return run;
  } finally {
    await file.handle.close();
  }
}

/** The view's note for line `number` of a run file, which is not a run line. */
function unreadableLine(
  number: number,
  value: unknown,
  at: number | undefined,
): Record<string, unknown> {
  const why =
    value === NOT_JSON
      ? 'is not JSON (cut short, or not written by the recorder)'
      : 'is JSON but not a run line (an object with a type)';
  return {
    type: 'unreadable-line',
    by: 'viewer',
    line: number,
    reason: `Line ${number} of the file ${why}; it is not shown.`,
    at,
  };
}

function formatBytes(bytes: number): string {
  return bytes >= MIB ? `${(bytes / MIB).toFixed(1)} MiB` : `${bytes} bytes`;
}

/**
 * The viewer's limits: `DEFAULT_VIEW_LIMITS` with the given ones in their place.
 * @throws {@link InvalidArgumentError} for an unknown limit or one that is not a whole number above 0.
 */
export function resolveViewLimits(limits: Partial<ViewLimits> | undefined): ViewLimits {
  const checked: ViewLimits = { ...DEFAULT_VIEW_LIMITS };
  for (const [key, value] of Object.entries(limits ?? {})) {
    if (!(key in DEFAULT_VIEW_LIMITS)) {
      throw new InvalidArgumentError({
        argument: `limits.${key}`,
        message: `limits.${key} is not a viewer limit; the limits are ${Object.keys(DEFAULT_VIEW_LIMITS).join(', ')}.`,
      });
    }
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
      throw new InvalidArgumentError({
        argument: `limits.${key}`,
        message: `limits.${key} must be a whole number above 0, or left out; got ${describeOptionValue(value)}.`,
      });
    }
    checked[key as keyof ViewLimits] = value;
  }
  return checked;
}

/** `fn` over `items`, at most `limit` at a time, results in order. */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
