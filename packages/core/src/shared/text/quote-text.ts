import { cutText } from '../cut-text.ts';
import { escapeUnprintable } from './unprintable.ts';

/**
 * A text a model or a caller wrote (a path, a date, a pattern) as an error message quotes it: a
 * JSON string (quotes and backslashes escaped, a lone surrogate as `\udXXX`), with each control,
 * line-breaking and bidi character written as its `\uXXXX` escape ({@link escapeUnprintable}), so
 * the quote cannot end early, start a line of its own or turn the message around; cut at `max`
 * UTF-16 units (never inside an emoji), with how much was left out after the closing quote.
 * @internal
 */
export function quoteText(text: string, max = 200): string {
  const cut = cutText(text, max);
  const quoted = escapeUnprintable(JSON.stringify(cut));
  return cut === text ? quoted : `${quoted}… [${text.length - cut.length} characters omitted]`;
}
