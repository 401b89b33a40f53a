import type { AgentInput } from '../run/agent-input.ts';
import type { AgentResult, AgentStep, AgentToolCall } from '../run/agent-result.ts';
import type { ArgumentRedactor } from '../tools/define/argument-redactor.ts';
import type { Content, Part } from '../wire/content.ts';
import type { RunObservation, RunStartInfo } from './run-observer.ts';

/**
 * What observers (the run recorder, OpenTelemetry, your own) see of a run whose tools declare
 * `secretArguments`: the same records with those arguments redacted, in the run's input, each
 * request's history, each response, each tool call and step, and the result. Observers write
 * outside the process; the run itself (its history, `execute`'s arguments, the events) keeps
 * the real values. Only what holds a secret call is copied.
 * @internal
 */
export function redactStartInfo(info: RunStartInfo, redactor: ArgumentRedactor): RunStartInfo {
  const input = redactInput(info.input, redactor);
  return input === info.input ? info : { ...info, input };
}

/** See {@link redactStartInfo}. @internal */
export function redactObservation(
  observation: RunObservation,
  redactor: ArgumentRedactor,
): RunObservation {
  const toolCall = (call: AgentToolCall): AgentToolCall => {
    const args = redactor.args(call.toolName, call.args);
    const rawArgs = redactor.args(call.toolName, call.rawArgs);
    return args === call.args && rawArgs === call.rawArgs ? call : { ...call, args, rawArgs };
  };
  const step = (value: AgentStep): AgentStep => ({
    ...value,
    content: value.content === undefined ? undefined : redactContent(value.content, redactor),
    toolCalls: value.toolCalls.map(toolCall),
    response: redactor.response(value.response),
  });
  return {
    modelCall(info) {
      const sent = info.request.contents;
      const contents = typeof sent === 'string' ? sent : redactor.contents(sent);
      const call = observation.modelCall(
        contents === sent
          ? info
          : { ...info, request: { ...info.request, contents: contents as Content[] } },
      );
      return {
        wrap: call.wrap,
        retry: (event) => call.retry(event),
        firstChunk: (at) => call.firstChunk(at),
        end: (outcome, at) =>
          call.end(
            'response' in outcome
              ? { ...outcome, response: redactor.response(outcome.response) }
              : outcome,
            at,
          ),
      };
    },
    toolCall(info) {
      const call = observation.toolCall({ ...info, args: redactor.args(info.toolName, info.args) });
      return { wrap: call.wrap, end: (record, at) => call.end(toolCall(record), at) };
    },
    stepEnd: (value) => observation.stepEnd(step(value)),
    // A guardrail record holds names, a verdict and a reason, never a call's arguments; a
    // compaction's report and trace hold counts, times and the summarizer's usage; a handoff's
    // info names the agents. Each hook is passed on, or what it records would be lost for every
    // run whose tools declare secretArguments.
    guardrail: (record) => observation.guardrail?.(record),
    compaction: (report, at, trace) => observation.compaction?.(report, at, trace),
    handoff: (info) => observation.handoff?.(info),
    // A plugin's report is its own data: plugins keep secrets out of it (PluginRun.emit).
    plugin: (report, at) => observation.plugin?.(report, at),
    steer: (report, at) =>
      observation.steer?.(
        {
          ...report,
          content: (redactor.contents([report.content]) as Content[])[0] ?? report.content,
        },
        at,
      ),
    end(outcome, at) {
      if (!('result' in outcome)) {
        // A run error's `run` is not enumerable and its tool errors' `args` are redacted when
        // they are made (execute-tool-calls.ts), so nothing secret is printed from it.
        observation.end(outcome, at);
        return;
      }
      const result: AgentResult<unknown> = outcome.result;
      observation.end(
        {
          result: {
            ...result,
            contents: redactor.contents(result.contents) as Content[],
            newContents: redactor.contents(result.newContents) as Content[],
            steps: result.steps.map(step),
          },
        },
        at,
      );
    },
  };
}

function redactContent(content: Content, redactor: ArgumentRedactor): Content {
  return (redactor.contents([content])[0] as Content | undefined) ?? content;
}

function redactInput(input: AgentInput, redactor: ArgumentRedactor): AgentInput {
  if (typeof input === 'string' || !Array.isArray(input)) return input;
  let changed = false;
  const items = input.map((item: unknown) => {
    let redacted = item;
    if (isRecord(item) && Array.isArray(item['contents'])) {
      const contents = redactor.contents(item['contents'] as Content[]);
      if (contents !== item['contents']) redacted = { ...item, contents };
    } else if (isRecord(item) && Array.isArray(item['parts'])) {
      redacted = redactContent(item as Content, redactor);
    } else if (isRecord(item)) {
      redacted = redactor.parts([item as Part])[0];
    }
    if (redacted !== item) changed = true;
    return redacted;
  });
  return changed ? (items as unknown as AgentInput) : input;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
