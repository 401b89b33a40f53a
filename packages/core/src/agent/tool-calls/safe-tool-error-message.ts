import { GemloopError } from '../../errors/gemloop-error.ts';
import { cutText } from '../../shared/cut-text.ts';
import { describeThrown } from '../../shared/describe-thrown.ts';
import { redactLocalDetails } from '../../shared/redact-secrets.ts';

/**
 * The longest text of a thrown tool error the model gets by default; longer ones are cut (a tool
 * may throw a whole upstream error page).
 */
export const MAX_TOOL_ERROR_MESSAGE_LENGTH = 1_000;

export { redactLocalDetails };

/**
 * The message the model gets by default for a tool that threw: `<tool> failed: <Class>: <message>`
 * (the class only when it is not plain `Error` nor one of gemloop's errors, whose messages the
 * ready-made tools and MCP servers write for the model already), never the stack or the cause chain, with URLs,
 * absolute paths, IP addresses, `host:port` pairs and a database driver's quoted user and host
 * names redacted (`redactLocalDetails`) and the
 * text cut at {@link MAX_TOOL_ERROR_MESSAGE_LENGTH}. Before this default the message went to the
 * model word for word, internal host names included (issue 32).
 *
 * Replace it with the guardrails' `onToolError`, which may call this for the cases it leaves.
 */
export function safeToolErrorMessage(toolName: string, error: unknown): string {
  return `${toolName} failed: ${safeErrorText(error)}`;
}

/**
 * The text of a thrown error as {@link safeToolErrorMessage} gives it, without the tool's name:
 * class and message, local details redacted, cut. A subagent's failure is told to its parent's
 * model (and its `SubagentError`) with it (attack30). @internal
 */
export function safeErrorText(error: unknown): string {
  let text = describeThrown(error);
  const name = errorClassOf(error);
  if (name !== undefined && name !== 'Error' && !text.startsWith(name)) text = `${name}: ${text}`;
  return cutErrorText(redactLocalDetails(text));
}

/**
 * `text` cut at {@link MAX_TOOL_ERROR_MESSAGE_LENGTH}, marked: without a first half of an emoji
 * left at the cut (Gemini's JSON reader, and a span exporter's, refuses a lone surrogate).
 * @internal
 */
export function cutErrorText(text: string): string {
  return text.length > MAX_TOOL_ERROR_MESSAGE_LENGTH
    ? `${cutText(text, MAX_TOOL_ERROR_MESSAGE_LENGTH)}...`
    : text;
}

/**
 * A thrown error's class name when it is one (an identifier of at most 64 characters), else
 * `undefined`: a `name` of another shape (a path, a key, a megabyte) or a getter that throws.
 * @internal
 */
export function errorClassName(error: unknown): string | undefined {
  try {
    if (!(error instanceof Error)) return undefined;
    const name = error.name;
    return typeof name === 'string' && /^[A-Za-z_$][\w$]{0,63}$/.test(name) ? name : undefined;
  } catch {
    // A getter that throws: no class shown.
    return undefined;
  }
}

function errorClassOf(error: unknown): string | undefined {
  // The name first: it reads nothing of a value that throws (a revoked proxy).
  const name = errorClassName(error);
  return name === undefined || GemloopError.isInstance(error) ? undefined : name;
}
