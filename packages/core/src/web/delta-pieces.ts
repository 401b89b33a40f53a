import type { BrowserEvent } from './browser-event.ts';

/**
 * Characters of one `text-delta` or `thought-delta` event's text at most. JSON writes a control
 * character in six (`\u0001`), so a piece is at most 600,000 characters of JSON: under
 * `@gemloop/client`'s default `maxEventChars` (1,000,000) whatever the text holds.
 * @internal
 */
export const MAX_DELTA_CHARS = 100_000;

/**
 * `event` as the page gets it: a text or thought delta past {@link MAX_DELTA_CHARS} as deltas of
 * its pieces, in order, each cut between two characters (never inside a surrogate pair), so the
 * text joined is the same; a `text-retraction` that long as a retraction to its first piece and
 * text deltas of the rest (a retraction replaces its step's text, a delta appends to it); any
 * other event as it is. A gateway that hands the loop a whole answer as one part made one event
 * past the client's limit, and the page lost the run (attack45b).
 * @internal
 */
export function deltaPieces(event: BrowserEvent): BrowserEvent[] {
  if (
    (event.type !== 'text-delta' &&
      event.type !== 'thought-delta' &&
      event.type !== 'text-retraction') ||
    event.text.length <= MAX_DELTA_CHARS
  ) {
    return [event];
  }
  const { text } = event;
  const pieces: BrowserEvent[] = [];
  for (let start = 0; start < text.length; ) {
    let end = Math.min(start + MAX_DELTA_CHARS, text.length);
    if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
    const piece = text.slice(start, end);
    pieces.push(
      start === 0 || event.type !== 'text-retraction'
        ? { ...event, text: piece }
        : { ...event, type: 'text-delta', text: piece },
    );
    start = end;
  }
  return pieces;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
