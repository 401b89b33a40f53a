import type { AgentResult, Content } from '@gemloop/core';
import {
  type ArgumentRedactor,
  createArgumentRedactor,
  toolResultMark,
} from '@gemloop/core/internal';
import type { RecordedRunLine } from '@gemloop/core/recorder';
import { RECORDED_RUN_FORMAT } from '@gemloop/core/recorder';
import type { AnyTool } from '@gemloop/core/tools';
import type { RequestFrame } from '../durable/events/run-events.ts';

/** What is known of one durable run, read back from the fleet's database. @internal */
export type StoredRun = {
  runId: string;
  agent: string | undefined;
  createdAt: number;
  /** `DurableRunInput`, as stored (hostile: checked here). */
  input: unknown;
  /** The run's `AgentResult` as stored (hostile: checked here). */
  output: unknown;
  /** The request frames found in the run's event stream, by call index. */
  frames: ReadonlyMap<number, RequestFrame>;
  /**
   * The secret argument paths of each tool, as the run's stored `tool-call` events name them
   * (`redactedArgs`): redacted from the lines as the in-process recorder redacts them.
   */
  secrets?: ReadonlyMap<string, ReadonlySet<string>> | undefined;
};

/**
 * A successful durable run as the lines of a recorded run file (core's recorder, format 1): the
 * same lines `.gemloop/runs/*.jsonl` holds for a run recorded in process, so every reader of those
 * (`caseFromRunFile` of `@gemloop/evals`, `gemloop view`) reads a fleet's runs too.
 *
 * Each model call's request is rebuilt from the run's stored result (the contents it sent are a
 * prefix of `result.contents`) and the frame the worker wrote with the run's events (the system
 * instruction, tools and config). Runs whose calls do not line up one per step (a long-decode
 * answer in several requests, a compacted history, subagents' calls on the same client) get no
 * requests: their case flags only extra model calls as drift. Returns `undefined` for a run
 * whose stored result is not one (nothing to expect).
 * @internal
 */
export function toRecordedRun(run: StoredRun): RecordedRunLine[] | undefined {
  const result = run.output as Partial<AgentResult<unknown>> | null | undefined;
  if (typeof result !== 'object' || result === null) return undefined;
  const steps = Array.isArray(result.steps) ? result.steps : undefined;
  const contents = Array.isArray(result.contents) ? (result.contents as Content[]) : undefined;
  if (steps === undefined || contents === undefined) return undefined;
  const stored = (run.input ?? {}) as { input?: unknown; history?: unknown };
  const modelSteps = steps.filter(
    (step) => typeof step === 'object' && step !== null && step.kind !== 'resume',
  );
  // The stored result holds the model's arguments as sent; a recording never does (attack13:
  // `gemloop eval from-runs --database-url` wrote a tool's secret argument into the dataset).
  const redactor = redactorOf(run.secrets);
  const requests = rebuildRequests(run.frames, modelSteps.length, contents, result)?.map(
    (request) => redactRequest(request, redactor),
  );
  const firstBody = run.frames.get(0)?.body;
  const model = typeof firstBody?.['model'] === 'string' ? firstBody['model'] : 'unknown';
  const at = (value: unknown): number => (typeof value === 'number' ? value : run.createdAt);
  const sent = sentResponses(contents);
  const lines: RecordedRunLine[] = [
    {
      type: 'run-start',
      format: RECORDED_RUN_FORMAT,
      runId: run.runId,
      agentName: run.agent,
      model,
      baseUrl: 'durable',
      streaming: true,
      conversationId: undefined,
      path: [],
      gemloopVersion: 'durable',
      at: run.createdAt,
      input:
        redactor !== undefined && Array.isArray(stored.input)
          ? redactor.contents(stored.input as Content[])
          : stored.input,
    },
  ];
  modelSteps.forEach((step, index) => {
    const stepNumber = typeof step.stepNumber === 'number' ? step.stepNumber : index + 1;
    const startedAt = at(step.startedAt);
    lines.push({
      type: 'model-call-start',
      stepNumber,
      streaming: true,
      request: requests?.[index] ?? {},
      at: startedAt,
    });
    const response =
      redactor !== undefined && typeof step.response === 'object' && step.response !== null
        ? redactor.response(step.response)
        : step.response;
    lines.push({ type: 'model-call-end', stepNumber, response, at: startedAt });
    const calls = Array.isArray(step.toolCalls) ? step.toolCalls : [];
    for (const call of calls) {
      if (typeof call !== 'object' || call === null || typeof call.toolName !== 'string') continue;
      const toolCallId = String(call.toolCallId);
      lines.push({
        type: 'tool-call-start',
        stepNumber,
        toolName: call.toolName,
        toolCallId,
        toolType: 'function',
        args: redactor === undefined ? call.rawArgs : redactor.args(call.toolName, call.rawArgs),
        at: startedAt,
      });
      lines.push({
        type: 'tool-call-end',
        stepNumber,
        toolName: call.toolName,
        toolCallId,
        outcome: String(call.outcome),
        ...(call.outcome === 'success' ? { output: call.output } : {}),
        ...markOf(call.outcome === 'success' ? call.output : undefined, sent.get(toolCallId)),
        // What an approval's `modify` ran instead of the model's arguments, redacted as those
        // are: the line the in-process recorder writes (leftovers57).
        ...(call.modified === true
          ? {
              modifiedArgs:
                redactor === undefined ? call.args : redactor.args(call.toolName, call.args),
            }
          : {}),
        ...(typeof call.error === 'string' ? { error: call.error } : {}),
        durationMs: typeof call.durationMs === 'number' ? call.durationMs : 0,
        at: startedAt,
      });
    }
  });
  lines.push({
    type: 'run-end',
    outcome: 'success',
    ...(typeof result.finishReason === 'string' ? { finishReason: result.finishReason } : {}),
    ...(typeof result.text === 'string' ? { text: result.text } : {}),
    at: run.createdAt,
  });
  return lines;
}

/** The `response` each call was answered with, by the call's id, from the contents the run sent. */
function sentResponses(contents: readonly Content[]): Map<string, unknown> {
  const sent = new Map<string, unknown>();
  for (const content of contents) {
    const parts: unknown = content?.parts;
    if (!Array.isArray(parts)) continue;
    for (const part of parts as { functionResponse?: { id?: unknown; response?: unknown } }[]) {
      const response = part?.functionResponse;
      if (typeof response?.id === 'string') sent.set(response.id, response.response);
    }
  }
  return sent;
}

/**
 * The `toolResult` mark of a stored output of `toolResult()`'s shape (the stored result's JSON
 * lost the mark), judged by what the model was sent: the whole output as the response, data
 * (`false`); its `response` alone, media (`true`). Nothing for another output, or when the
 * answer is not found or matches neither (cut by compaction): the line reads as an older one.
 */
function markOf(output: unknown, response: unknown): { toolResult?: boolean } {
  if (toolResultMark(output) === undefined || response === undefined) return {};
  const text = JSON.stringify(response);
  if (text === JSON.stringify(output)) return { toolResult: false };
  if (text === JSON.stringify((output as { response: unknown }).response))
    return { toolResult: true };
  return {};
}

/**
 * The request of each model step, or `undefined` when the frames do not line up one per step.
 * A frame's body is the request without its contents, carried forward until the next body.
 */
function rebuildRequests(
  frames: ReadonlyMap<number, RequestFrame>,
  modelSteps: number,
  contents: readonly Content[],
  result: Partial<AgentResult<unknown>>,
): Record<string, unknown>[] | undefined {
  if (frames.size !== modelSteps || result.compaction !== undefined) return undefined;
  const requests: Record<string, unknown>[] = [];
  let body: Record<string, unknown> | undefined;
  for (let call = 0; call < modelSteps; call++) {
    const frame = frames.get(call);
    if (frame === undefined || frame.contents > contents.length) return undefined;
    if (frame.body !== undefined) body = frame.body;
    if (body === undefined) return undefined;
    const { model: _model, ...rest } = body;
    requests.push({ ...rest, contents: contents.slice(0, frame.contents) });
  }
  return requests;
}

/** A redactor of the secret paths named, or `undefined` when none is. */
function redactorOf(
  secrets: ReadonlyMap<string, ReadonlySet<string>> | undefined,
): ArgumentRedactor | undefined {
  if (secrets === undefined || secrets.size === 0) return undefined;
  // Only what the redactor reads of a tool: its kind, name and secret paths.
  const tools = [...secrets].map(
    ([name, paths]) =>
      ({ kind: 'function', name, secretArguments: [...paths] }) as unknown as AnyTool,
  );
  return createArgumentRedactor(tools);
}

function redactRequest(
  request: Record<string, unknown>,
  redactor: ArgumentRedactor | undefined,
): Record<string, unknown> {
  const contents = request['contents'];
  if (redactor === undefined || !Array.isArray(contents)) return request;
  return { ...request, contents: redactor.contents(contents as Content[]) };
}
