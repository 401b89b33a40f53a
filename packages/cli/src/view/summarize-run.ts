/** One run in the list: what the viewer's table shows. */
export type RunSummary = {
  /** The file name without `.jsonl`: the run's key in URLs. */
  id: string;
  runId: string;
  startedAt: number;
  agentName: string | undefined;
  /** `'unknown'` when the file does not say (or says it with something other than a string). */
  model: string;
  conversationId: string | undefined;
  streaming: boolean;
  steps: number;
  totalTokens: number;
  /** From the start to the end (or to the last line of a run in progress). */
  durationMs: number;
  /** `unreadable`: the file is named like a run but could not be read; `error` says why. */
  outcome: 'success' | 'error' | 'running' | 'unreadable';
  finishReason: string | undefined;
  error: string | undefined;
  /** The names of the tools the run called. */
  tools: string[];
  /**
   * The file is larger than the list reads whole: its steps, tokens and tools come from its last
   * bytes only (the viewer's `listReadBytes`).
   */
  partial: boolean;
};

/** The longest text of a summary field; a run file is hostile bytes, the list is sent each poll. */
const MAX_FIELD_CHARS = 500;
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
  let stepTokens = 0;
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
      stepTokens += toNumber(field(line['usage'], 'totalTokenCount')) ?? 0;
    } else if (line['type'] === 'tool-call-start') {
      const name = toText(line['toolName']);
      if (name !== undefined && tools.size < MAX_TOOLS) tools.add(name);
    } else if (line['type'] === 'run-end') end = line;
  }
  const endError = end?.['error'];
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
    totalTokens: toNumber(field(end?.['usage'], 'totalTokenCount')) ?? stepTokens,
    durationMs: Math.max(0, last - startedAt),
    outcome: end === undefined ? 'running' : end['outcome'] === 'error' ? 'error' : 'success',
    finishReason: toText(end?.['finishReason']),
    error:
      endError === undefined
        ? undefined
        : `${toText(field(endError, 'name')) ?? 'Error'}: ${toText(field(endError, 'message')) ?? ''}`,
    tools: [...tools].sort(),
    partial,
  };
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
    durationMs: 0,
    outcome: 'unreadable',
    finishReason: undefined,
    error: problem,
    tools: [],
    partial: false,
  };
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
