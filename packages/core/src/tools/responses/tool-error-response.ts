import { describeThrown } from '../../shared/describe-thrown.ts';
import type { FunctionResponse } from '../../wire/content.ts';
import { formatPath } from '../schema/inline-refs.ts';
import type { ToolArgumentIssue } from '../tool.ts';
import { requireObject } from './require-object.ts';
import { NotJsonError, toJsonValue } from './to-json-value.ts';

/** The options of {@link toolErrorResponse}. */
export type ToolErrorResponseOptions = {
  /** The function name from the model's `functionCall`. */
  name: string;
  /** The model's `functionCall.id`, echoed. Leave it out when the model's call had none. */
  id?: string | undefined;
  /**
   * What went wrong: a message, or the thrown value (an `Error` gives its `message`; the stack
   * never reaches the model). Optional when `issues` say it all.
   */
  error?: unknown;
  /** Argument problems from `parseArgs`, listed with their paths so the model can fix the call. */
  issues?: readonly ToolArgumentIssue[] | undefined;
  /** More JSON fields for the model, e.g. `{ retryable: true }`. Cannot replace `error`. */
  details?: Record<string, unknown> | undefined;
};

/**
 * The `functionResponse` that tells the model a call failed, under Gemini's documented `error`
 * key ("Use "output" key to specify function output and "error" key to specify error details",
 * js-genai `FunctionResponse`). The agent, MCP tools and `@gemloop/tools` all answer failures with
 * it, so the model always sees the same shape:
 *
 * `{ error: string, issues?: [{ path: 'items[0].qty', message }], ...details }`
 *
 * @example
 * toolErrorResponse({ name: 'get_weather', id: call.id, issues: parsed.issues })
 * // { name, id, response: { error: 'Invalid arguments: city: Required property is missing. Fix them and call get_weather again.', issues: [...] } }
 */
export function toolErrorResponse(options: ToolErrorResponseOptions): FunctionResponse {
  requireObject(options, 'options', 'toolErrorResponse() takes { name, id, error }');
  const { name, id, error, issues, details } = options;
  const response: Record<string, unknown> = {};
  if (details !== undefined) {
    try {
      Object.assign(response, toJsonValue(details));
    } catch (cause) {
      if (!(cause instanceof NotJsonError)) throw cause;
      // Details are extra; a bad one must not hide the error itself.
    }
  }
  let message = error === undefined ? undefined : describeError(error);
  if (issues !== undefined && issues.length > 0) {
    response['issues'] = issues.map((issue) => ({
      path: formatPath(issue.path) === '(root)' ? '' : formatPath(issue.path),
      message: issue.message,
    }));
    message ??= `Invalid arguments: ${formatToolArgumentIssues(issues)} Fix them and call ${name} again.`;
  }
  response['error'] = message ?? `Tool ${name} failed.`;
  return id === undefined ? { name, response } : { id, name, response };
}

/**
 * One line per argument problem, e.g. `items[0].qty: Expected number.`, for error messages and
 * logs.
 */
export function formatToolArgumentIssues(issues: readonly ToolArgumentIssue[]): string {
  if (!Array.isArray(issues)) return '';
  return issues
    .map((issue) => {
      // Issues may come from a hand-made tool's parseArgs: nothing here may throw.
      if (typeof issue !== 'object' || issue === null) return '';
      const message = describeThrown(issue.message ?? '').trim();
      const sentence = /[.!?]$/.test(message) ? message : `${message}.`;
      return !Array.isArray(issue.path) || issue.path.length === 0
        ? sentence
        : `${formatPath(issue.path)}: ${sentence}`;
    })
    .filter((line) => line !== '')
    .join(' ');
}

function describeError(error: unknown): string {
  if (typeof error === 'string') return error;
  if (error instanceof Error) return describeThrown(error);
  try {
    const json = toJsonValue(error);
    return typeof json === 'string' ? json : JSON.stringify(json);
  } catch {
    return describeThrown(error);
  }
}
