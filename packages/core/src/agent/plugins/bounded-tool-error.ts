import { describeThrown } from '../../shared/describe-thrown.ts';
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
 * turn then sends the safe default; so does a throw, made an `Error` whose message is bounded
 * and redacted the same way (the turn logs it).
 * @internal
 */
export function boundedToolErrorRewrite(
  rewrite: NonNullable<AgentPlugin['rewriteToolError']>,
  redact: (text: string) => string,
): NonNullable<AgentPlugin['rewriteToolError']> {
  return (error, context) => {
    let message: unknown;
    try {
      message = rewrite(error, context);
    } catch (thrown) {
      // The turn sends the default and logs what the rewrite threw: its words as the model would
      // have got them (a rewrite that throws the key, or a 5 MB text, put it in every log line).
      throw new Error(boundedToolErrorText(redact(describeThrown(thrown))));
    }
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
