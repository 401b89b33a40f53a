import { createRecordedMediaResolver } from '@gemloop/core/recorder';
import type { Content, GenerateContentBody, GenerateContentResponse } from '@gemloop/core/wire';
import type {
  EvalCase,
  ExpectedToolCall,
  RecordedSubagentRun,
  RecordedToolResult,
} from './eval-case.ts';
import { EvalDatasetError } from './eval-dataset-error.ts';
import { CASE_ID_RULE, isCaseId, textLines, toEvalCase } from './parse-eval-cases.ts';
import { findOmitted } from './replay/find-omitted.ts';

/**
 * The most characters of media a run file's references may stand for once resolved: 2^29, past
 * V8's longest string (2^29 − 24 characters), so a case holding more can never be one dataset
 * line or request body. Resolving shares the earlier value (no copy), but writing the case does
 * not: a 20 MB file of 100,000 references to one 4 MB image kept `gemloop eval from-runs` in
 * `JSON.stringify` for hours at 2.5 GB (attack56).
 */
const MAX_RESOLVED_MEDIA_CHARS = 2 ** 29;

/** The largest run file turned into a case, in characters. */
export const MAX_RUN_FILE_CHARS: number = 32 * 1024 * 1024;

/** The text of one recorded run file and where it came from (for messages and `runFile`). */
export type RecordedRunText = { text: string; runFile: string };

/** Options of {@link caseFromRunFile}. */
export type CaseFromRunFileOptions = {
  /**
   * The run files of the run's subagents (and theirs, at any depth), when it is the top run of an
   * agent tree: each subagent's run-start names its parent (`parentRunId`). Their model turns
   * become `fixtures.subagents` and their tool results join `fixtures.toolResults`, so the
   * whole tree replays. A child that failed still gives the model turns it had. @defaultValue none
   */
  subagentRuns?: readonly RecordedRunText[] | undefined;
};

/**
 * Turns one recorded run (the text of a `.gemloop/runs/*.jsonl` file, core's recorder format 1)
 * into a case: its input, the recorded model answers and requests as fixtures (replayed by the
 * fake, compared for drift), the tool results, and the answer and tool calls as what is
 * expected. A run of an agent tree takes its subagents' run files (`subagentRuns`). Returns
 * `undefined` for a run that did not succeed (nothing to expect) or that has no model answer.
 * A last line without its line end (a file cut by a crash) is left out; any other line that is
 * not a JSON object is refused: the case would miss what it recorded.
 * @throws {@link EvalDatasetError} for a file too large, a whole line of a successful run (or of a
 *   subagent run) that is not a JSON object, with its line number, another recorder format, a run id that
 *   cannot be a case id (empty, longer than 200 characters, not a string), a subagent run that
 *   is not a run of this tree, a full recording whose media references stand for more than 2^29
 *   characters once resolved (more than one string holds), or a case `parseEvalCases` would
 *   refuse (its input or model name not what a case holds).
 */
export function caseFromRunFile(
  text: string,
  runFile: string,
  options: CaseFromRunFileOptions = {},
): EvalCase | undefined {
  const run = readRunLines(text, runFile);
  const { runId, input, requests, responses } = run;
  if (!run.success || responses.length === 0 || !run.started) return undefined;
  refuseUnreadable(run, runFile);
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
        ? wholeInput(input as Content[], requests[0])
        : firstUserContents(requests[0]);
  if (caseInput === undefined) return undefined;
  const toolResults = [...run.toolResults];
  const subagents = readSubagentRuns(runId, options.subagentRuns ?? [], toolResults);
  const evalCase: EvalCase = {
    id: runId,
    input: caseInput,
    expected: {
      ...(run.finalText === undefined ? {} : { text: run.finalText }),
      toolCalls: run.toolCalls,
    },
    fixtures: {
      modelResponses: responses,
      requests,
      ...(typeof run.model === 'string' && run.model !== '' ? { model: run.model } : {}),
      toolResults,
      ...(subagents.length === 0 ? {} : { subagents }),
    },
    runFile,
  };
  // Checked as a dataset's line is (attack13): the case goes into a dataset that
  // parseEvalCases loads whole, and one it refuses (an input of numbers, a 100,000-character
  // model name from an edited or corrupt file) made the whole dataset fail to load.
  toEvalCase(evalCase, runFile);
  return evalCase;
}

/**
 * The subagent runs of the tree whose top run is `topRunId`, each checked to hang from the top
 * run or from another of them; their tool results are added to `toolResults`.
 */
function readSubagentRuns(
  topRunId: string,
  files: readonly RecordedRunText[],
  toolResults: RecordedToolResult[],
): RecordedSubagentRun[] {
  const runs = files.map((file) => {
    const run = readRunLines(file.text, file.runFile);
    // A subagent's turns replay whether it succeeded or not: none may be lost.
    refuseUnreadable(run, file.runFile);
    return { file, run };
  });
  const inTree = new Set<unknown>([topRunId]);
  // Parents before children, whatever order the files came in (a hostile loop never joins).
  const ordered = new Set<(typeof runs)[number]>();
  for (let added = true; added; ) {
    added = false;
    for (const entry of runs) {
      if (ordered.has(entry) || !inTree.has(entry.run.parentRunId)) continue;
      ordered.add(entry);
      inTree.add(entry.run.runId);
      added = true;
    }
  }
  const stray = runs.find((entry) => !ordered.has(entry));
  if (stray !== undefined) {
    throw new EvalDatasetError({
      source: stray.file.runFile,
      problem: `not a subagent run of ${topRunId} (its run-start names no parent in that tree).`,
    });
  }
  return [...ordered].map(({ file, run }) => {
    if (!isStringList(run.path) || run.path.length === 0) {
      throw new EvalDatasetError({
        source: file.runFile,
        problem: "a subagent run needs its run-start's 'path' (a non-empty list of strings).",
      });
    }
    toolResults.push(...run.toolResults);
    return { path: run.path, modelResponses: run.responses, requests: run.requests };
  });
}

/** What one run file says: its run-start, model calls, tool calls and end. */
type RunLines = {
  started: boolean;
  runId: unknown;
  parentRunId: unknown;
  path: unknown;
  model: unknown;
  input: unknown;
  requests: GenerateContentBody[];
  responses: GenerateContentResponse[];
  toolCalls: ExpectedToolCall[];
  toolResults: RecordedToolResult[];
  finalText: string | undefined;
  success: boolean;
  /** The first whole line (1-based) that is not a JSON object: a record lost from the run. */
  unreadableLine: number | undefined;
  /** The line (1-based) of a second `run-start`: another run's lines in this run's file. */
  secondStartLine: number | undefined;
};

/** Why a run file with a second `run-start` line is refused (the case and the diff say it alike). @internal */
export const SECOND_RUN_START =
  'a second run-start: a run file holds one run, so this one holds lines of another (two files joined, or lines pasted in); split it or record the run again.';

/**
 * The refusal of a run whose file lost a record: a case made without the line would miss a model
 * answer or a tool result, and its replay fail far from the cause (attack29). No byte of the line
 * is quoted: it may be anything.
 */
function refuseUnreadable(run: RunLines, runFile: string): void {
  if (run.secondStartLine !== undefined) {
    // The recorder writes one run a file: two are files joined (`cat a b > c`) or lines pasted
    // in, and read as one they made a case expecting every call twice (attack59c).
    throw new EvalDatasetError({
      source: runFile,
      line: run.secondStartLine,
      problem: SECOND_RUN_START,
    });
  }
  if (run.unreadableLine === undefined) return;
  throw new EvalDatasetError({
    source: runFile,
    line: run.unreadableLine,
    problem:
      'this line of the run is not a JSON object (torn or edited), so the case would miss what it recorded; repair or remove the file, or record the run again.',
  });
}

function readRunLines(text: string, runFile: string): RunLines {
  if (text.length > MAX_RUN_FILE_CHARS) {
    throw new EvalDatasetError({
      source: runFile,
      problem: `more than ${MAX_RUN_FILE_CHARS} characters; not turned into a case.`,
    });
  }
  const run: RunLines = {
    started: false,
    runId: undefined,
    parentRunId: undefined,
    path: undefined,
    model: undefined,
    input: undefined,
    requests: [],
    responses: [],
    toolCalls: [],
    toolResults: [],
    finalText: undefined,
    success: false,
    unreadableLine: undefined,
    secondStartLine: undefined,
  };
  const argsById = new Map<string, unknown>();
  // A full recording writes each image once and refers to it after: its requests come back whole.
  const media = createRecordedMediaResolver();
  const lines = textLines(text);
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index] as string;
    if (raw.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {}
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      // The last line without its end is one a crash cut while it was written: left out.
      if (index < lines.length - 1) run.unreadableLine ??= index + 1;
      continue;
    }
    const line = media.resolve(value as Record<string, unknown>);
    if (media.resolvedCharacters > MAX_RESOLVED_MEDIA_CHARS) {
      throw new EvalDatasetError({
        source: runFile,
        problem: `its media references stand for more than ${MAX_RESOLVED_MEDIA_CHARS} characters of media by line ${index + 1}, more than one string holds: its case could not be written (an image resent in very many steps, or a file made to look so). Record it with fewer steps or a smaller image.`,
      });
    }
    switch (line['type']) {
      case 'run-start':
        if (run.started) {
          run.secondStartLine ??= index + 1;
          break;
        }
        if (line['format'] !== 1) {
          throw new EvalDatasetError({
            source: runFile,
            problem: `recorded run format ${String(line['format'])}, this gemloop reads format 1.`,
          });
        }
        run.started = true;
        run.runId = line['runId'];
        run.parentRunId = line['parentRunId'];
        run.path = line['path'];
        run.model = line['model'];
        run.input = line['input'];
        break;
      case 'model-call-start':
        if (isRecord(line['request'])) run.requests.push(line['request'] as GenerateContentBody);
        break;
      case 'model-call-end':
        if (isRecord(line['response']))
          run.responses.push(line['response'] as GenerateContentResponse);
        break;
      case 'tool-call-start':
        if (typeof line['toolName'] === 'string') {
          const args = isRecord(line['args']) ? line['args'] : {};
          run.toolCalls.push({ name: line['toolName'], args });
          argsById.set(String(line['toolCallId']), args);
        }
        break;
      case 'tool-call-end':
        if (typeof line['toolName'] === 'string' && line['outcome'] === 'success') {
          const mark = line['toolResult'];
          run.toolResults.push({
            name: line['toolName'],
            args: argsById.get(String(line['toolCallId'])),
            output: line['output'],
            // Whether the output was toolResult()'s (media) or data of its shape (toolresult45).
            ...(typeof mark === 'boolean' ? { toolResult: mark } : {}),
          });
        }
        break;
      case 'run-end':
        run.success = line['outcome'] === 'success';
        run.finalText = typeof line['text'] === 'string' ? line['text'] : undefined;
        break;
    }
  }
  return run;
}

/**
 * The input contents as the run sent them. A full-fidelity recorder keeps the run-start's input
 * shortened when it is long (media: the line stays small enough for the viewer's list) and whole
 * in the first request, which ends with it: those contents are the case's input then, or a replay
 * would send the placeholder and drift. An input of parts is the request's last Content (the
 * user message they were sent as): before, a photo sent as parts replayed as its placeholder.
 */
function wholeInput(input: Content[], first: GenerateContentBody | undefined): Content[] {
  const sent = firstUserContents(first);
  // Parts (`agent.run([{ text }, { inlineData }])`) were sent as one user Content: the
  // request's last.
  const taken = input.every(isPart) ? 1 : input.length;
  if (
    input.length === 0 ||
    findOmitted(input).length === 0 ||
    sent === undefined ||
    sent.length < taken
  )
    return input;
  return sent.slice(sent.length - taken);
}

/** Whether an input item is a Part (no `parts` of its own), not a Content. */
function isPart(item: unknown): boolean {
  return isRecord(item) && !('parts' in item) && !('role' in item);
}

function firstUserContents(request: GenerateContentBody | undefined): Content[] | undefined {
  const contents = request?.contents;
  return Array.isArray(contents) ? (contents as Content[]) : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
