import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecordedRunLine } from '@gemloop/core/recorder';

/** One run in the list: what the viewer's table shows. */
export type RunSummary = {
  /** The file name without `.jsonl`: the run's key in URLs. */
  id: string;
  runId: string;
  startedAt: number;
  agentName: string | undefined;
  model: string;
  conversationId: string | undefined;
  streaming: boolean;
  steps: number;
  totalTokens: number;
  /** From the start to the end (or to the last line of a run in progress). */
  durationMs: number;
  outcome: 'success' | 'error' | 'running';
  finishReason: string | undefined;
  error: string | undefined;
  /** The names of the tools the run called. */
  tools: string[];
};

/** A run file's name: `<ISO time with - for : and .>-<uuid>.jsonl`. */
const RUN_FILE = /^[0-9A-Za-z-]{1,200}\.jsonl$/;

/** The most run files the list reads (newest first). */
const MAX_RUNS = 500;

/**
 * Reads every run file of `dir` (newest first) into summaries; lines that are not JSON (a run
 * being written) are skipped, and a folder that does not exist is an empty list.
 */
export async function readRunSummaries(dir: string): Promise<RunSummary[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return [];
    throw error;
  }
  const files = names
    .filter((name) => RUN_FILE.test(name))
    .sort()
    .reverse()
    .slice(0, MAX_RUNS);
  const summaries = await Promise.all(
    files.map(async (name) => {
      const lines = await readRunLines(dir, name.slice(0, -'.jsonl'.length));
      return lines === undefined ? undefined : summarize(name.slice(0, -'.jsonl'.length), lines);
    }),
  );
  return summaries.filter((summary): summary is RunSummary => summary !== undefined);
}

/**
 * The lines of one run, or `undefined` when `id` names no run file of `dir` (the id is checked
 * against the file-name pattern, so it can never leave the folder).
 */
export async function readRunLines(
  dir: string,
  id: string,
): Promise<RecordedRunLine[] | undefined> {
  const name = `${id}.jsonl`;
  if (!RUN_FILE.test(name)) return undefined;
  let text: string;
  try {
    text = await readFile(join(dir, name), 'utf8');
  } catch {
    return undefined;
  }
  const lines: RecordedRunLine[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const value = JSON.parse(line) as RecordedRunLine;
      if (typeof value === 'object' && value !== null && typeof value.type === 'string')
        lines.push(value);
    } catch {
      // A line still being written.
    }
  }
  return lines;
}

function summarize(id: string, lines: readonly RecordedRunLine[]): RunSummary | undefined {
  const start = lines[0];
  if (start?.type !== 'run-start') return undefined;
  let steps = 0;
  let stepTokens = 0;
  const tools = new Set<string>();
  let end: Extract<RecordedRunLine, { type: 'run-end' }> | undefined;
  let last = start.at;
  for (const line of lines) {
    if (typeof line.at === 'number' && line.at > last) last = line.at;
    if (line.type === 'step-end') {
      steps++;
      stepTokens += line.usage?.totalTokenCount ?? 0;
    } else if (line.type === 'tool-call-start') tools.add(line.toolName);
    else if (line.type === 'run-end') end = line;
  }
  return {
    id,
    runId: start.runId,
    startedAt: start.at,
    agentName: start.agentName,
    model: start.model,
    conversationId: start.conversationId,
    streaming: start.streaming,
    steps,
    totalTokens: end?.usage?.totalTokenCount ?? stepTokens,
    durationMs: last - start.at,
    outcome: end === undefined ? 'running' : end.outcome,
    finishReason: end?.finishReason,
    error: end?.error === undefined ? undefined : `${end.error.name}: ${end.error.message}`,
    tools: [...tools].sort(),
  };
}
