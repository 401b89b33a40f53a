import {
  AgentRunError,
  ApiCallError,
  GemloopError,
  InvalidArgumentError,
  ModelCallError,
} from '@gemloop/core';
import { AgentAbortedError, MissingApiKeyError } from '@gemloop/core/errors';
import { createStyle, type Style } from './style.ts';
import { shownAnswer as shown, shownText } from './trace-printer.ts';

/**
 * An error as a user should see it: what went wrong and what to do, never a stack for an error
 * gemloop explains itself (an API error, a missing key, a bad option). Only an unexpected error (a
 * bug) gets its stack, because then the stack is what helps. A message may hold a gateway's or a
 * tool's bytes: its escapes are shown as text (line breaks kept), never written as commands.
 */
export function formatError(error: unknown, style: Style = createStyle()): string {
  if (AgentAbortedError.isInstance(error)) {
    return style.yellow(`Cancelled after ${error.run.steps.length} step(s).`);
  }
  if (MissingApiKeyError.isInstance(error)) {
    return `${style.red('No API key.')} ${shown(error.message)}`;
  }
  if (ModelCallError.isInstance(error) && ApiCallError.isInstance(error.cause)) {
    return [
      style.red(`The model call of step ${error.stepNumber} failed.`),
      formatApiCallError(error.cause, style),
    ].join('\n');
  }
  if (ApiCallError.isInstance(error)) return formatApiCallError(error, style);
  if (InvalidArgumentError.isInstance(error)) {
    return `${style.red(`Invalid ${shownText(error.argument)}:`)} ${shown(error.message)}`;
  }
  if (AgentRunError.isInstance(error) || GemloopError.isInstance(error)) {
    const cause =
      error.cause instanceof Error && !error.message.includes(error.cause.message)
        ? `\n  caused by ${shownText(error.cause.name)}: ${shown(error.cause.message)}`
        : '';
    return `${style.red(`${shownText(error.name)}:`)} ${shown(error.message)}${cause}`;
  }
  if (error instanceof Error) {
    return `${style.red('Unexpected error (a bug in this example or in gemloop):')}\n${shown(error.stack ?? error.message)}`;
  }
  return `${style.red('Unexpected error:')} ${shown(String(error))}`;
}

/** The message (which already says what to do), then the facts a bug report needs. */
function formatApiCallError(error: ApiCallError, style: Style): string {
  const lines = [`${style.red('Gemini API error:')} ${shown(error.message)}`];
  const facts: string[] = [];
  if (error.status !== undefined) {
    facts.push(`HTTP ${error.status}${error.googleStatus ? ` ${error.googleStatus}` : ''}`);
  } else {
    facts.push('no response (network error)');
  }
  const reason = error.errorInfo?.reason;
  if (reason !== undefined) facts.push(`reason ${reason}`);
  facts.push(`${error.method} ${error.url}`);
  lines.push(style.dim(`  ${shownText(facts.join(' · '))}`));
  for (const link of error.help?.links ?? []) {
    if (link.url !== undefined) {
      lines.push(
        style.dim(
          `  see ${shownText(link.url)}${link.description ? ` (${shownText(link.description)})` : ''}`,
        ),
      );
    }
  }
  return lines.join('\n');
}
