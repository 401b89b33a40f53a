import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { describeValue } from '../options/define-options.ts';
import type { Content } from '../wire/content.ts';

/**
 * The default filter of a hand-off (`{ type: 'hand-off' }` from a plugin, the `handoff()` tool):
 * drops the tool exchanges of the agent handing over (a model turn of only function calls and
 * thoughts, and the user turn of only their responses right after it) between `from` (where that
 * agent took the run) and the last model turn, which stays whole (the receiving agent sees that
 * and why it took over). Whole exchanges go or stay, so every kept call keeps its response and
 * its thought signature; a turn that mixes calls with answer text is kept as it is. Use it in a
 * filter of your own to drop more (or less) after it. Never changes `contents` or its objects.
 * @throws {@link InvalidArgumentError} when `contents` is not an array or `from` is not an
 *   integer from 0 (a `from` of NaN kept nothing, -1 or 1.5 threw a bare TypeError).
 *
 * @example
 * ```ts
 * const filter = (contents: readonly Content[], from: number) =>
 *   dropToolExchanges(contents, from).filter((content) => !isInternalNote(content));
 * ```
 */
export function dropToolExchanges(contents: readonly Content[], from: number): Content[] {
  if (!Array.isArray(contents)) {
    throw new InvalidArgumentError({
      argument: 'contents',
      message: `dropToolExchanges: contents must be an array of contents (the run's history a hand-off filter gets); got ${contents === null ? 'null' : typeof contents}.`,
    });
  }
  if (!Number.isInteger(from) || from < 0) {
    throw new InvalidArgumentError({
      argument: 'from',
      message: `dropToolExchanges: from must be an integer from 0, the index where the agent handing over took the run (a hand-off filter's second argument); got ${describeValue(from)}.`,
    });
  }
  // The transfer turn and its responses are the last two contents (or three, with media).
  const lastModel = findLastModel(contents);
  const kept: Content[] = contents.slice(0, from);
  for (let index = from; index < contents.length; index++) {
    const content = contents[index] as Content;
    const next = contents[index + 1];
    if (
      index < lastModel &&
      content.role === 'model' &&
      isOnlyCalls(content) &&
      next !== undefined &&
      next.role === 'user' &&
      isOnlyResponses(next)
    ) {
      index++;
      continue;
    }
    kept.push(content);
  }
  return kept;
}

function findLastModel(contents: readonly Content[]): number {
  for (let index = contents.length - 1; index >= 0; index--) {
    if (contents[index]?.role === 'model') return index;
  }
  return -1;
}

function isOnlyCalls(content: Content): boolean {
  let calls = 0;
  for (const part of content.parts) {
    if (part.functionCall !== undefined) calls++;
    else if (part.thought !== true && typeof part.text === 'string' && part.text.trim() !== '')
      return false;
    else if (part.thought !== true && part.text === undefined) return false;
  }
  return calls > 0;
}

function isOnlyResponses(content: Content): boolean {
  return (
    content.parts.length > 0 && content.parts.every((part) => part.functionResponse !== undefined)
  );
}
