import { cutText } from '@gemloop/core/internal';
import type { McpCallInFlight } from '../server-requests/mcp-calls-in-flight.ts';
import type { McpElicitationRequest } from './mcp-elicitation.ts';

/** A form field as a run's `elicitation-pending` event names it. */
export type McpElicitationReportField = {
  name: string;
  /** The field's JSON Schema type (`string`, `integer`, `boolean`, `array`, ...). */
  type: string;
  title?: string | undefined;
  required: boolean;
};

/**
 * What a run's `elicitation-pending` event (`plugin: 'mcp-requests'`) carries: enough to show
 * that the run waits for the user and on what, never an answer. The message is the server's
 * (cut at 1000 characters); a URL request shows the page's host only (its full address, which
 * may carry a one-time `state`, stays with the broker: `pending`, `handleEvents`).
 */
export type McpElicitationReport = {
  /** The broker's id: answer with `broker.answer(id, ...)` or a POST to `handleAnswer`. */
  id: string;
  server: string;
  mode: 'form' | 'url';
  message: string;
  /** The run's calls running when the server asked (usually the one that asks). */
  toolCalls: McpCallInFlight[];
  /** `form`: the fields asked for (at most 50), without their constraints. */
  fields?: McpElicitationReportField[] | undefined;
  /** `url`: the host of the page to open. */
  host?: string | undefined;
};

/** What a run's `elicitation-resolved` event carries. */
export type McpElicitationResolvedReport = {
  id: string;
  action: 'accept' | 'decline' | 'cancel';
};

const MAX_MESSAGE_CHARS = 1000;
const MAX_FIELDS = 50;
const MAX_NAME_CHARS = 200;

/** The {@link McpElicitationReport} of a pending request. @internal */
export function toElicitationReport(
  id: string,
  request: McpElicitationRequest,
  toolCalls: readonly McpCallInFlight[],
): McpElicitationReport {
  const base = {
    id,
    server: request.server,
    mode: request.mode,
    message: cutText(String(request.message), MAX_MESSAGE_CHARS),
    toolCalls: toolCalls.map(({ toolCallId, toolName }) => ({ toolCallId, toolName })),
  };
  if (request.mode === 'url') return { ...base, host: hostOf(request.url) };
  const properties = request.requestedSchema?.properties ?? {};
  const required = new Set(
    Array.isArray(request.requestedSchema?.required) ? request.requestedSchema.required : [],
  );
  const fields = Object.entries(properties)
    .slice(0, MAX_FIELDS)
    .map(([name, field]): McpElicitationReportField => {
      const title = typeof field?.title === 'string' ? short(field.title) : undefined;
      return {
        name: short(name),
        type: typeof field?.type === 'string' ? short(field.type) : 'unknown',
        ...(title === undefined ? {} : { title }),
        required: required.has(name),
      };
    });
  return { ...base, fields };
}

function short(text: string): string {
  return cutText(text, MAX_NAME_CHARS);
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(not a URL)';
  }
}
