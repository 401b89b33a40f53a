import type { AgentEvent } from '../run/agent-event.ts';
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
  const redactEvent = (event: AgentEvent<unknown>): AgentEvent<unknown> => {
    switch (event.type) {
      case 'tool-call': {
        // Made with the event by the agent whose tool it is (executeToolCalls).
        if (event.redactedArgs === undefined) return event;
        const { redactedArgs, ...rest } = event;
        return { ...rest, args: redactedArgs };
      }
      case 'tool-result':
      case 'tool-error': {
        const record = toolCall(event.toolCall);
        return record === event.toolCall ? event : { ...event, toolCall: record };
      }
      case 'step-end':
        return { ...event, step: step(event.step) };
      case 'steer':
        return { ...event, content: redactContent(event.content, redactor) };
      case 'run-end':
        return { ...event, result: redactResult(event.result, step, redactor) };
      default:
        return event;
    }
  };
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
    // Once here for every observer, as each event is made (the stream's reader keeps the real
    // values). A guardrail record holds names, a verdict and a reason, never a call's arguments;
    // a compaction's report and trace hold counts, times and the summarizer's usage; a handoff
    // names the agents; a plugin's report is its own data (plugins keep secrets out of it,
    // PluginRun.emit): those pass as they are.
    event:
      observation.event === undefined
        ? undefined
        : (event, at) => observation.event?.(redactEvent(event), at),
    end(outcome, at) {
      if (!('result' in outcome)) {
        // A run error's `run` is not enumerable and its tool errors' `args` are redacted when
        // they are made (execute-tool-calls.ts), so nothing secret is printed from it.
        observation.end(outcome, at);
        return;
      }
      observation.end({ result: redactResult(outcome.result, step, redactor) }, at);
    },
  };
}

function redactResult(
  result: AgentResult<unknown>,
  step: (value: AgentStep) => AgentStep,
  redactor: ArgumentRedactor,
): AgentResult<unknown> {
  return {
    ...result,
    contents: redactor.contents(result.contents) as Content[],
    newContents: redactor.contents(result.newContents) as Content[],
    steps: result.steps.map(step),
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
