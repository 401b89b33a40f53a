import type { Content } from '../wire/content.ts';

/**
 * The first line of every summary gemloop writes into a history. A summary is a `user` content
 * with one text part that starts with this marker, so it is visible to the model (which reads it
 * as what happened before), to a person reading the history, and to code
 * ({@link isSummaryContent}); it needs no field the Gemini API does not have.
 */
export const SUMMARY_MARKER = '[gemloop:summary of earlier turns]';

/**
 * The summary of older turns as the content that replaces them.
 * @internal
 */
export function summaryContent(summary: string): Content {
  return { role: 'user', parts: [{ text: `${SUMMARY_MARKER}\n${summary}` }] };
}

/**
 * Whether `content` is a summary a compaction wrote (a `user` content whose first text part
 * starts with {@link SUMMARY_MARKER}).
 */
export function isSummaryContent(content: Content | undefined): boolean {
  const text = content?.role === 'user' ? content.parts?.[0]?.text : undefined;
  return typeof text === 'string' && text.startsWith(SUMMARY_MARKER);
}

/** Characters of one value kept in a transcript for the summarizer (hostile tool output is bounded). */
const TRANSCRIPT_VALUE_CHARS = 4_000;

/**
 * The turns to summarize as plain text for the summarizer: roles, text, calls with their
 * arguments, responses (each value cut at a few thousand characters). Plain text, not the
 * contents themselves, because the summarizer may be another model: replaying another model's
 * signed turns is refused (signatures are model-bound, wire reference section 6 rule 8), and the
 * summarizer needs no tools.
 * @internal
 */
export function transcriptOf(contents: readonly Content[]): string {
  const lines: string[] = [];
  for (const content of contents) {
    const role = content.role === 'model' ? 'Model' : 'User';
    for (const part of content.parts ?? []) {
      if (part.thought === true) continue;
      if (typeof part.text === 'string' && part.text !== '') {
        lines.push(`${role}: ${cut(part.text)}`);
      } else if (part.functionCall !== undefined) {
        lines.push(
          `${role} called ${part.functionCall.name}(${cut(jsonOf(part.functionCall.args ?? {}))})`,
        );
      } else if (part.functionResponse !== undefined) {
        lines.push(
          `Result of ${part.functionResponse.name}: ${cut(jsonOf(part.functionResponse.response))}`,
        );
      } else if (part.codeExecutionResult !== undefined) {
        lines.push(`Code output: ${cut(part.codeExecutionResult.output ?? '')}`);
      }
    }
  }
  return lines.join('\n');
}

function cut(text: string): string {
  return text.length <= TRANSCRIPT_VALUE_CHARS
    ? text
    : `${text.slice(0, TRANSCRIPT_VALUE_CHARS)}… [${text.length - TRANSCRIPT_VALUE_CHARS} more characters]`;
}

function jsonOf(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '[unserialisable]';
  }
}
