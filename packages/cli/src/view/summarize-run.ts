// The question reader is the page's own module (assets/viewer/question.js, with its types in
// question.d.ts beside it): the list's preview and the run page's question are read by one
// function, so they cannot drift apart. From dist/view/ and src/view/ alike the path reaches the
// package's assets/ folder, which the tarball carries.
import { firstUserText } from '../../assets/viewer/question.js';

export { firstUserText };

/** One run in the list: what the viewer's table shows. */
export type RunSummary = {
  /** The file name without `.jsonl`: the run's key in URLs. */
  id: string;
  /**
   * `'live'` for a live session's file (createLiveRecorder): `runId` is its session id, `steps`
   * its model turns, `question` its first user text, `answer` its last turn's text.
   */
  kind?: 'live' | undefined;
  runId: string;
  startedAt: number;
  agentName: string | undefined;
  /** `'unknown'` when the file does not say (or says it with something other than a string). */
  model: string;
  conversationId: string | undefined;
  streaming: boolean;
  steps: number;
  totalTokens: number;
  /**
   * What the ended run cost in US dollars, as the recorder wrote it (an exact decimal string);
   * `undefined` while it runs, when unknown, or when the file holds anything but a decimal.
   */
  costUsd: string | undefined;
  /** From the start to the end (or to the last line of a run in progress). */
  durationMs: number;
  /**
   * `aborted`: the run was stopped by its signal (`error` then says why, from the abort's
   * reason); `unreadable`: the file is named like a run but could not be read; `error` says why.
   * `abandoned`: no end line, and the file unwritten for over 10 minutes (its recorder touches it
   * every minute while the run lives): the process recording it stopped before the run ended.
   */
  outcome: 'success' | 'error' | 'aborted' | 'running' | 'abandoned' | 'unreadable';
  finishReason: string | undefined;
  error: string | undefined;
  /**
   * What the run was asked: the first user text of its input, at most 200
   * characters. Undefined when the input holds no text (or a large file's list read left it out).
   */
  question: string | undefined;
  /** The start of the run's answer (its final text), at most 200 characters. */
  answer: string | undefined;
  /** The names of the tools the run called. */
  tools: string[];
  /**
   * The file is larger than the list reads whole: its steps, tokens and tools come from its last
   * bytes only (the viewer's `listReadBytes`).
   */
  partial: boolean;
  /**
   * For a subagent's run: the `runId` of the run whose tool call started it, and that call (its
   * step, id and position in its turn), so the viewer nests the child under it. `undefined` for
   * a top run or a file that does not say.
   */
  parent: RunParent | undefined;
  /** The run's place in its tree (`[]` for a top run), at most 32 segments. */
  path: string[];
};

/** The run and call a child run was started by, as its `run-start` line says. */
export type RunParent = {
  runId: string;
  stepNumber: number | undefined;
  toolCallId: string | undefined;
  callIndex: number | undefined;
};

/** The most path segments a summary keeps (a tree deeper than this is cut). */
const MAX_PATH_SEGMENTS = 32;

/** The longest text of a summary field; a run file is hostile bytes, the list is sent each poll. */
const MAX_FIELD_CHARS = 500;
/** The longest question or answer preview of a row. */
export const MAX_PREVIEW_CHARS = 200;
/** The most tool names one row lists. */
const MAX_TOOLS = 50;

type Line = Record<string, unknown>;

/**
 * Summarises a run from its `run-start` line and the other lines read (all of them, or the last
 * ones when `partial`). Every field is checked leniently: a value of the wrong type is shown as
 * unknown, never trusted, so one odd file cannot break the list.
 */
export function summarizeRun(
  id: string,
  start: Line,
  lines: readonly unknown[],
  partial: boolean,
): RunSummary {
  const startedAt = toNumber(start['at']) ?? timeFromId(id) ?? 0;
  let steps = 0;
  let lastStep = 0;
  // Tokens per step while the run has no end: a step's own usage once it ended, its model call's
  // usage before that (a live run's count grows with each call, not only after its tools ran).
  const stepTokens = new Map<number, number>();
  const callTokens = new Map<number, number>();
  const tools = new Set<string>();
  let end: Line | undefined;
  let last = startedAt;
  for (const line of lines) {
    if (!isLine(line)) continue;
    const at = toNumber(line['at']);
    if (at !== undefined && at > last) last = at;
    if (line['type'] === 'step-end') {
      steps++;
      lastStep = Math.max(lastStep, toNumber(line['stepNumber']) ?? 0);
      const tokens = toNumber(field(line['usage'], 'totalTokenCount'));
      if (tokens !== undefined) stepTokens.set(toNumber(line['stepNumber']) ?? -steps, tokens);
    } else if (line['type'] === 'model-call-end') {
      const tokens = toNumber(field(field(line['response'], 'usageMetadata'), 'totalTokenCount'));
      const step = toNumber(line['stepNumber']);
      if (tokens !== undefined && step !== undefined) callTokens.set(step, tokens);
    } else if (line['type'] === 'tool-call-start') {
      const name = toText(line['toolName']);
      if (name !== undefined && tools.size < MAX_TOOLS) tools.add(name);
    } else if (line['type'] === 'run-end') end = line;
  }
  const endError = end?.['error'];
  const aborted = end?.['outcome'] === 'error' && isAbort(endError);
  return {
    id,
    runId: toText(start['runId']) ?? '',
    startedAt,
    agentName: toText(start['agentName']),
    model: toText(start['model']) ?? 'unknown',
    conversationId: toText(start['conversationId']),
    streaming: start['streaming'] === true,
    // Step numbers count from 1: the last one read says how many there were before it.
    steps: Math.max(steps, Math.floor(lastStep)),
    totalTokens:
      toNumber(field(end?.['usage'], 'totalTokenCount')) ?? liveTokens(stepTokens, callTokens),
    costUsd: toDollars(field(end?.['cost'], 'total')),
    durationMs: Math.max(0, last - startedAt),
    outcome:
      end === undefined
        ? 'running'
        : aborted
          ? 'aborted'
          : end['outcome'] === 'error'
            ? 'error'
            : 'success',
    finishReason: toText(end?.['finishReason']),
    error: aborted
      ? // The reason the caller gave, not the error's name (a class) or its generic message.
        (toText(field(endError, 'reason')) ?? 'aborted')
      : endError === undefined
        ? undefined
        : errorText(endError),
    question: preview(firstUserText(start['input'])),
    answer: preview(end?.['text']),
    tools: [...tools].sort(),
    partial,
    parent: runParent(start),
    path: Array.isArray(start['path'])
      ? start['path'].slice(0, MAX_PATH_SEGMENTS).map((segment) => toText(segment) ?? '?')
      : [],
  };
}

/**
 * Summarises a live session's file (first line `live-start`) as a row of the list, as
 * {@link summarizeRun} does a run's: every field checked leniently.
 */
export function summarizeLive(
  id: string,
  start: Line,
  lines: readonly unknown[],
  partial: boolean,
): RunSummary {
  const startedAt = toNumber(start['at']) ?? timeFromId(id) ?? 0;
  let turns = 0;
  let tokens = 0;
  let last = startedAt;
  let question: unknown;
  let answer: unknown;
  const tools = new Set<string>();
  let end: Line | undefined;
  for (const line of lines) {
    if (!isLine(line)) continue;
    const at = toNumber(line['at']);
    if (at !== undefined && at > last) last = at;
    if (line['type'] === 'turn') {
      turns = Math.max(turns + 1, toNumber(line['turn']) ?? 0);
      if (line['outcome'] !== 'discarded')
        answer = line['text'] ?? line['outputTranscript'] ?? answer;
      if (question === undefined) question = line['inputTranscript'];
    } else if (line['type'] === 'user-text') {
      question ??= line['text'];
    } else if (line['type'] === 'usage') {
      tokens += toNumber(field(line['usage'], 'totalTokenCount')) ?? 0;
    } else if (line['type'] === 'tool-call') {
      const name = toText(line['toolName']);
      if (name !== undefined && tools.size < MAX_TOOLS) tools.add(name);
    } else if (line['type'] === 'live-end') end = line;
  }
  const endError = end?.['error'];
  return {
    id,
    kind: 'live',
    runId: toText(start['sessionId']) ?? '',
    startedAt,
    agentName: toText(start['agentName']),
    model: toText(start['model']) ?? 'unknown',
    conversationId: undefined,
    streaming: true,
    steps: toNumber(end?.['turns']) ?? turns,
    totalTokens: toNumber(field(end?.['usage'], 'totalTokenCount')) ?? tokens,
    costUsd: toDollars(end?.['costUsd']),
    durationMs: Math.max(0, last - startedAt),
    outcome: end === undefined ? 'running' : end['outcome'] === 'error' ? 'error' : 'success',
    finishReason: end === undefined ? undefined : 'live session',
    error: endError === undefined ? undefined : errorText(endError),
    question: preview(question),
    answer: preview(answer),
    tools: [...tools].sort(),
    partial,
    parent: undefined,
    path: [],
  };
}

/** The parent of a child run's start line, or `undefined` (a top run, or an odd file). */
function runParent(start: Line): RunParent | undefined {
  const runId = toText(start['parentRunId']);
  if (runId === undefined || runId === '') return undefined;
  return {
    runId,
    stepNumber: toNumber(start['parentStepNumber']),
    toolCallId: toText(start['parentToolCallId']),
    callIndex: toNumber(start['parentCallIndex']),
  };
}

/** A dollar amount as the recorder writes it (`'0.00267'`); anything else is not shown. */
function toDollars(value: unknown): string | undefined {
  return typeof value === 'string' && /^\d{1,15}(\.\d{1,12})?$/.test(value) ? value : undefined;
}

/** The tokens of a run without an end: each step's own count, or its model call's before it ends. */
function liveTokens(stepTokens: Map<number, number>, callTokens: Map<number, number>): number {
  let total = 0;
  for (const tokens of stepTokens.values()) total += tokens;
  for (const [step, tokens] of callTokens) if (!stepTokens.has(step)) total += tokens;
  return total;
}

/** The row of a file named like a run that could not be read. */
export function unreadableRun(id: string, problem: string): RunSummary {
  return {
    id,
    runId: '',
    startedAt: timeFromId(id) ?? 0,
    agentName: undefined,
    model: 'unknown',
    conversationId: undefined,
    streaming: false,
    steps: 0,
    totalTokens: 0,
    costUsd: undefined,
    durationMs: 0,
    outcome: 'unreadable',
    finishReason: undefined,
    error: problem,
    question: undefined,
    answer: undefined,
    tools: [],
    partial: false,
    parent: undefined,
    path: [],
  };
}

/**
 * Whether a run's recorded end error is an abort: an `AgentAbortedError` (files from before the
 * recorder wrote `reason` say so by the name alone).
 */
export function isAbort(error: unknown): boolean {
  return field(error, 'name') === 'AgentAbortedError' || typeof field(error, 'reason') === 'string';
}

/** A one-line preview: whitespace runs as one space, at most MAX_PREVIEW_CHARS characters. */
function preview(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  // Only the first bytes are looked at: an answer can be megabytes.
  const text = value
    .slice(0, MAX_PREVIEW_CHARS * 4)
    .replace(/\s+/g, ' ')
    .trim();
  if (text === '') return undefined;
  return text.length > MAX_PREVIEW_CHARS ? `${text.slice(0, MAX_PREVIEW_CHARS)}…` : text;
}

/** Whether a parsed line is an object with a string `type`. */
export function isLine(value: unknown): value is Line {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as Line)['type'] === 'string'
  );
}

/** The run's start from its file name (`2026-01-02T03-04-05-678Z-…`), the recorder's format. */
function timeFromId(id: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z/.exec(id);
  if (match === null) return undefined;
  const [, year, month, day, hour, minute, second, ms] = match.map(Number) as number[];
  const time = Date.UTC(year as number, (month as number) - 1, day, hour, minute, second, ms);
  return Number.isFinite(time) ? time : undefined;
}

/**
 * A recorded error as the list shows it: `ToolExecutionError (tool-execution): message`, the
 * gemloop code the recorder wrote (files from before it say `Name: message`), on one line and
 * cut at 100 characters: a reader tells failures apart by it as code does.
 */
function errorText(error: unknown): string {
  const code = toText(field(error, 'code'))?.replace(/\s+/g, ' ').slice(0, MAX_CODE_CHARS);
  const name = toText(field(error, 'name')) ?? 'Error';
  const message = toText(field(error, 'message')) ?? '';
  return `${name}${code === undefined || code === '' ? '' : ` (${code})`}: ${message}`;
}

/** The longest error code the list shows (the recorder writes at most 100 characters). */
const MAX_CODE_CHARS = 100;

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Line)[key] : undefined;
}

function toNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function toText(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  return value.length > MAX_FIELD_CHARS ? `${value.slice(0, MAX_FIELD_CHARS)}…` : value;
}
