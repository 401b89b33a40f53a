import type { Content, GenerateContentBody, GenerateContentResponse } from '@gemloop/core/wire';
import type { EvalCase, ExpectedToolCall, RecordedToolResult } from './eval-case.ts';
import { EvalDatasetError } from './eval-dataset-error.ts';
import { CASE_ID_RULE, isCaseId } from './parse-eval-cases.ts';

/** The largest run file turned into a case, in characters. */
export const MAX_RUN_FILE_CHARS: number = 32 * 1024 * 1024;

/**
 * Turns one recorded run (the text of a `.gemloop/runs/*.jsonl` file, core's recorder format 1)
 * into a case: its input, the recorded model answers and requests as fixtures (replayed by the
 * fake, compared for drift), the tool results, and the answer and tool calls as what is
 * expected. Returns `undefined` for a run that did not succeed (nothing to expect) or that
 * has no model answer; lines that are not JSON objects are skipped (a file cut by a crash).
 * @throws {@link EvalDatasetError} for a file too large, another recorder format, or a run id
 *   that cannot be a case id (empty, longer than 200 characters, not a string).
 */
export function caseFromRunFile(text: string, runFile: string): EvalCase | undefined {
  if (text.length > MAX_RUN_FILE_CHARS) {
    throw new EvalDatasetError({
      source: runFile,
      problem: `more than ${MAX_RUN_FILE_CHARS} characters; not turned into a case.`,
    });
  }
  let started = false;
  let runId: unknown;
  let input: unknown;
  const requests: GenerateContentBody[] = [];
  const responses: GenerateContentResponse[] = [];
  const toolCalls: ExpectedToolCall[] = [];
  const toolResults: RecordedToolResult[] = [];
  const argsById = new Map<string, unknown>();
  let finalText: string | undefined;
  let success = false;
  for (const raw of text.split('\n')) {
    if (raw.trim() === '') continue;
    let line: Record<string, unknown>;
    try {
      const value: unknown = JSON.parse(raw);
      if (typeof value !== 'object' || value === null || Array.isArray(value)) continue;
      line = value as Record<string, unknown>;
    } catch {
      continue;
    }
    switch (line['type']) {
      case 'run-start':
        if (line['format'] !== 1) {
          throw new EvalDatasetError({
            source: runFile,
            problem: `recorded run format ${String(line['format'])}, this gemloop reads format 1.`,
          });
        }
        started = true;
        runId = line['runId'];
        input = line['input'];
        break;
      case 'model-call-start':
        if (isRecord(line['request'])) requests.push(line['request'] as GenerateContentBody);
        break;
      case 'model-call-end':
        if (isRecord(line['response'])) responses.push(line['response'] as GenerateContentResponse);
        break;
      case 'tool-call-start':
        if (typeof line['toolName'] === 'string') {
          const args = isRecord(line['args']) ? line['args'] : {};
          toolCalls.push({ name: line['toolName'], args });
          argsById.set(String(line['toolCallId']), args);
        }
        break;
      case 'tool-call-end':
        if (typeof line['toolName'] === 'string' && line['outcome'] === 'success') {
          toolResults.push({
            name: line['toolName'],
            args: argsById.get(String(line['toolCallId'])),
            output: line['output'],
          });
        }
        break;
      case 'run-end':
        success = line['outcome'] === 'success';
        finalText = typeof line['text'] === 'string' ? line['text'] : undefined;
        break;
    }
  }
  if (!success || responses.length === 0 || !started) return undefined;
  if (!isCaseId(runId)) {
    // The checks parseEvalCases applies: a case written with another id would make the whole
    // dataset fail to load.
    throw new EvalDatasetError({
      source: runFile,
      problem: `the run id is not a case id: it must be ${CASE_ID_RULE}.`,
    });
  }
  // A run is sent as its first request's contents: what the recorder keeps as `input` is what
  // the caller passed (a string or contents).
  const caseInput =
    typeof input === 'string'
      ? input
      : Array.isArray(input)
        ? (input as Content[])
        : firstUserContents(requests[0]);
  if (caseInput === undefined) return undefined;
  return {
    id: runId,
    input: caseInput,
    expected: {
      ...(finalText === undefined ? {} : { text: finalText }),
      toolCalls,
    },
    fixtures: { modelResponses: responses, requests, toolResults },
    runFile,
  };
}

function firstUserContents(request: GenerateContentBody | undefined): Content[] | undefined {
  const contents = request?.contents;
  return Array.isArray(contents) ? (contents as Content[]) : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
