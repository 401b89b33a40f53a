// The shape every item of a live session's story shares (live-story.js, live-check-lines.js): its
// time from the session's start, then what it says. Values are hostile file content, put on the
// page as text (dom.js).

import { el } from './dom.js';
import { asNumber, formatCount, formatDuration } from './format.js';

/** One item of the story: its kind (a class), when, and its children. */
export function item(kind, at, startedAt, ...children) {
  const offset = asNumber(at);
  return el(
    'li',
    { className: `live-line live-${kind}` },
    el(
      'span',
      { className: 'live-at dim' },
      offset === undefined ? '' : `+${formatDuration(Math.max(0, offset - startedAt))} `,
    ),
    children,
  );
}

/** A note that a recorded text was cut, and how long it was. */
export function cutNote(line, key) {
  const chars = asNumber(line[`${key}Chars`]);
  return chars === undefined
    ? null
    : el('span', { className: 'dim' }, ` (cut; ${formatCount(chars)} characters)`);
}
