import type { AgentPlugin } from './agent-plugin.ts';

/** The longest rewritten tool error the model gets: the default message's (1,000). */
const MAX_REWRITTEN_LENGTH = 1_000;

// A stack frame line (`    at fn (/srv/app/x.ts:3:9)`, `    at async /srv/app/y.js:1:2`).
const STACK_FRAME = /\n\s*at .*/g;

/**
 * A plugin's `rewriteToolError` whose message the model gets without stack frames (a rewrite that
 * returns `error.stack` would tell the model the app's files and functions) and cut at the
 * default message's length (one that returns a whole document would put it in every later
 * request), the client's key redacted (`redact`). What is not a string passes as it is: the
 * turn then sends the safe default.
 * @internal
 */
export function boundedToolErrorRewrite(
  rewrite: NonNullable<AgentPlugin['rewriteToolError']>,
  redact: (text: string) => string,
): NonNullable<AgentPlugin['rewriteToolError']> {
  return (error, context) => {
    const message: unknown = rewrite(error, context);
    return typeof message === 'string'
      ? boundedToolErrorText(redact(message))
      : (message as string);
  };
}

/**
 * A rewritten tool error's text as the model gets it: without stack-frame lines, cut at 1,000
 * characters (see {@link boundedToolErrorRewrite}; a Live session's `onToolError` too). @internal
 */
export function boundedToolErrorText(message: string): string {
  const text = message.replace(STACK_FRAME, '');
  return text.length > MAX_REWRITTEN_LENGTH
    ? `${text.slice(0, MAX_REWRITTEN_LENGTH).replace(/[\ud800-\udbff]$/, '')}...`
    : text;
}
