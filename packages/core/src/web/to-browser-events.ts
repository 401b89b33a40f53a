import type { AgentEvent } from '../agent/agent-event.ts';
import type { AgentUsage } from '../run/agent-result.ts';
import { cutText } from '../shared/cut-text.ts';
import type { ArgumentRedactor } from '../tools/define/argument-redactor.ts';
import type { BrowserEvent, BrowserUsage } from './browser-event.ts';
import { boundedCallId, boundedToolName, type CallIds } from './call-ids.ts';
import { shownToolOutput } from './shown-tool-output.ts';

/** How agent events become browser events (see `EventStreamOptions`). @internal */
export type BrowserEventMapping = {
  thoughts: boolean;
  maxResultPreviewChars: number;
  /**
   * `undefined`: the source is not known to redact its calls (`redactedArgs`), so arguments are
   * left out. Else a call's `redactedArgs`, or its `args` through `redactor` (a durable run's
   * events stored before calls carried `redactedArgs`).
   */
  redaction: { redactor: ArgumentRedactor | undefined } | undefined;
  /** The plugins whose events (`run.emit`) the page gets, by name; `undefined`: none. */
  pluginEvents?: ReadonlySet<string> | undefined;
  /** Makes the calls' ids unique at each path; `undefined`: the model's ids as given. */
  callIds?: CallIds | undefined;
};

/** A plugin event's data goes to a page up to this many characters of JSON; past it, none. */
export const MAX_BROWSER_PLUGIN_DATA_CHARS = 16_384;

/**
 * A call's arguments go to a page up to this many characters of JSON; past it (or when they cannot
 * be JSON), none: `argsOmitted`. The model writes them, and one event past the client's
 * `maxEventChars` (1,000,000) ended the page's stream (attack27).
 */
export const MAX_BROWSER_ARGS_CHARS = 100_000;

const ROOT_PATH: readonly string[] = Object.freeze([]);

/** The token counts a page shows, from the API's usage. @internal */
export function toBrowserUsage(usage: AgentUsage): BrowserUsage {
  return {
    inputTokens: usage.promptTokenCount,
    outputTokens: usage.candidatesTokenCount,
    thoughtsTokens: usage.thoughtsTokenCount,
    cachedTokens: usage.cachedContentTokenCount,
    totalTokens: usage.totalTokenCount,
  };
}

/**
 * A call's arguments for a page: redacted where the event was made, by the agent whose tool it is
 * (`redactedArgs`), or left out when the source is not known to do so. @internal
 */
export function browserArgs(
  mapping: BrowserEventMapping,
  call: { toolName: string; args: Record<string, unknown>; redactedArgs?: unknown },
): Pick<Extract<BrowserEvent, { type: 'tool-call' }>, 'args' | 'argsOmitted'> {
  if (mapping.redaction === undefined) return { args: undefined, argsOmitted: true };
  const { redactor } = mapping.redaction;
  const args = isRecord(call.redactedArgs)
    ? call.redactedArgs
    : redactor === undefined
      ? call.args
      : redactor.args(call.toolName, call.args);
  return boundedArgs(args) === undefined ? { args: undefined, argsOmitted: true } : { args };
}

/**
 * `args` when they go to a client: up to {@link MAX_BROWSER_ARGS_CHARS} characters of JSON, else
 * (or when they cannot be JSON) `undefined`. @internal
 */
export function boundedArgs<Args>(args: Args): Args | undefined {
  const json = jsonOf(args);
  return json === undefined || json.length > MAX_BROWSER_ARGS_CHARS ? undefined : args;
}

/**
 * The browser event of one agent event, or `undefined` for what a page does not get (grounding,
 * thoughts unless asked for). The run's own `run-end` becomes the `finish` event; a subagent's
 * events keep their `path`.
 * @internal
 */
export function toBrowserEvent(
  event: AgentEvent<unknown>,
  mapping: BrowserEventMapping,
): BrowserEvent | undefined {
  // A subagent's events keep their path (a copy: the page's JSON gets a plain array).
  const path = (event.path.length === 0 ? ROOT_PATH : [...event.path]) as string[];
  switch (event.type) {
    case 'step-start':
      return { type: 'step-start', path, stepNumber: event.stepNumber, kind: event.kind };
    case 'text-delta':
      return { type: 'text-delta', path, stepNumber: event.stepNumber, text: event.text };
    case 'guardrail-retraction':
      // The page showed text a guardrail withdrew: it must be told, or it keeps showing it.
      return { type: 'text-retraction', path, stepNumber: event.stepNumber, text: event.text };
    case 'thought-delta':
      return mapping.thoughts
        ? { type: 'thought-delta', path, stepNumber: event.stepNumber, text: event.text }
        : undefined;
    case 'tool-call':
      return {
        type: 'tool-call',
        path,
        stepNumber: event.stepNumber,
        toolCallId:
          mapping.callIds?.shown(path, event.toolCallId, event.args, event.stepNumber) ??
          boundedCallId(event.toolCallId),
        toolName: boundedToolName(event.toolName),
        ...browserArgs(mapping, event),
      };
    case 'tool-result':
    case 'tool-error': {
      const call = event.toolCall;
      const base = {
        type: 'tool-result' as const,
        path,
        stepNumber: event.stepNumber,
        toolCallId:
          mapping.callIds?.of(call.rawArgs, call.toolCallId, path, event.stepNumber) ??
          boundedCallId(call.toolCallId),
        toolName: boundedToolName(call.toolName),
        outcome: call.outcome,
      };
      if (call.outcome === 'execution-error') {
        // What `execute` threw may quote anything (a connection string, a query): the model gets
        // it, the page does not.
        return { ...base, error: 'The tool failed.' };
      }
      if (call.outcome !== 'success') return { ...base, error: cut(call.error ?? '', 2000).text };
      // `holdBack`: a subagent's answer the output guardrails never judged (see `outputHeld`).
      if (mapping.maxResultPreviewChars === 0 || (event.type === 'tool-result' && event.outputHeld))
        return base;
      const { text, truncated } = cut(
        previewOf(shownToolOutput(call)),
        mapping.maxResultPreviewChars,
      );
      return { ...base, preview: text, truncated };
    }
    case 'step-end':
      return {
        type: 'step-finish',
        path,
        stepNumber: event.step.stepNumber,
        kind: event.step.kind,
        finishReason: shownFinishReason(event.step.finishReason),
        usage: toBrowserUsage(event.step.usage),
        cost: event.step.cost ?? null,
      };
    case 'handoff':
      return {
        type: 'handoff',
        path,
        stepNumber: event.stepNumber,
        from: event.from,
        to: event.to,
      };
    case 'steer':
      return {
        type: 'steer',
        path,
        status: event.status,
        mode: event.mode,
        stepNumber: event.stepNumber,
        ...(event.reason === undefined ? {} : { reason: event.reason }),
      };
    case 'plugin': {
      // A plugin's data is written for the server's own surfaces (spans, recordings): a page gets
      // the events of the plugins the server named, and data only while it stays small.
      if (mapping.pluginEvents?.has(event.plugin) !== true) return undefined;
      const base = {
        type: 'plugin' as const,
        path,
        plugin: event.plugin,
        kind: event.kind,
        stepNumber: event.stepNumber,
      };
      if (event.data === undefined) return base;
      const json = jsonOf(event.data);
      return json !== undefined && json.length <= MAX_BROWSER_PLUGIN_DATA_CHARS
        ? { ...base, data: JSON.parse(json) as unknown }
        : { ...base, dataOmitted: true };
    }
    case 'run-end':
      // A subagent's run ends inside the parent's tool call (its tool-result follows); only the
      // run's own end is the page's `finish`.
      if (event.path.length > 0) return undefined;
      return {
        type: 'finish',
        path,
        outcome: 'completed',
        finishReason: event.result.finishReason,
        usage: toBrowserUsage(event.result.usage),
        cost: event.result.cost ?? null,
      };
    default:
      return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A step's finish reason for a page: the API's enum value (at most 25 characters,
 * `FINISH_REASON_UNSPECIFIED`), or a gateway's own word kept, cut past 64 characters; `undefined`
 * when it is not a string. A 1.5 MB reason made one event past the client's `maxEventChars`
 * (attack27).
 */
function shownFinishReason(reason: unknown): string | undefined {
  if (typeof reason !== 'string') return undefined;
  return reason.length > 64 ? `${cutText(reason, 64)}…` : reason;
}

/** `value` as JSON, or `undefined` when it cannot be (a cycle, a BigInt). */
function jsonOf(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

/** A tool's output as one line of JSON (a string as itself); never throws. */
function previewOf(output: unknown): string {
  if (typeof output === 'string') return output;
  try {
    return JSON.stringify(output) ?? String(output);
  } catch {
    return '[a value that cannot be shown as JSON]';
  }
}

/** `text` cut to `max` characters, without splitting a surrogate pair (see {@link cutText}). */
function cut(text: string, max: number): { text: string; truncated: boolean } {
  return { text: cutText(text, max), truncated: text.length > max };
}
