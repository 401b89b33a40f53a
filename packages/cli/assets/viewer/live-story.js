// The items of a live session's story (live-page.js): one per line of its file. Every value is
// hostile file content: read with asText/asNumber and put on the page as text (dom.js).

import { boundedText } from './bounded-text.js';
import { el } from './dom.js';
import { asNumber, asText, field, formatCount, oneLine, prettyJson } from './format.js';
import { renderCheckLine } from './live-check-lines.js';
import { cutNote, item } from './live-item.js';

/** Audio is counted by the recorder, never stored. */
export function audioText(audio) {
  const chunks = asNumber(field(audio, 'chunks')) ?? 0;
  const bytes = asNumber(field(audio, 'bytes')) ?? 0;
  return `${formatCount(chunks)} chunks (${formatCount(bytes)} bytes, not stored)`;
}

/**
 * One line of a live session's file as an item of its story (nothing for an unknown kind). Its
 * texts and values are drawn as the run page draws them (bounded-text.js): the first 3,000
 * characters and "show more". The live recorder cuts a text at 4,000, but a file from elsewhere
 * held a megabyte in each field, and the page drew them whole (attack41). `key` names the line's
 * blocks and `expanded` holds the keys of those the reader expanded, so a redraw of the growing
 * session keeps them so.
 */
export function renderLine(line, startedAt, { key = '', expanded } = {}) {
  // A name, an id or a reason: on one line, cut (a tool name is at most 128 characters).
  const short = (value, max = 200) => oneLine(asText(value), max);
  const long = (text, className, name, tag = 'span') =>
    boundedText(text, { tag, className, key: `live-${key}-${name}`, expanded });
  // What ran when an approval modified the call (the recorder writes it on the result or the
  // error, redacted as arguments are): shown under the line, as the run page shows it.
  const modified = () =>
    line.modifiedArgs === undefined
      ? null
      : el(
          'div',
          { className: 'live-modified-args' },
          el('h4', null, 'Modified arguments (what ran)'),
          long(prettyJson(line.modifiedArgs), 'live-args', 'modified-args', 'pre'),
        );
  switch (line.type) {
    case 'user-text':
      return item(
        'user-text',
        line.at,
        startedAt,
        el('b', null, 'User: '),
        long(asText(line.text) ?? '', 'live-user', 'text'),
        cutNote(line, 'text'),
      );
    case 'user-audio':
      return item(
        'user-audio',
        line.at,
        startedAt,
        el('b', null, 'User audio: '),
        audioText(line.audio),
        line.ended === true ? ' · microphone stopped' : '',
      );
    case 'turn':
      return item(
        'turn',
        line.at,
        startedAt,
        el('b', null, `Turn ${asNumber(line.turn) ?? '?'} (${short(line.outcome, 40) ?? '?'}): `),
        line.outcome === 'discarded'
          ? el('span', { className: 'dim' }, 'cut by a reconnection; the server answers it again. ')
          : null,
        asText(line.inputTranscript) === undefined
          ? null
          : el(
              'div',
              { className: 'live-heard' },
              'Heard: ',
              long(line.inputTranscript, 'live-transcript', 'heard'),
              cutNote(line, 'inputTranscript'),
            ),
        asText(line.thoughts) === undefined
          ? null
          : el(
              'div',
              { className: 'live-thoughts dim' },
              'Thoughts: ',
              long(line.thoughts, 'live-transcript', 'thoughts'),
              cutNote(line, 'thoughts'),
            ),
        asText(line.text) === undefined
          ? null
          : el(
              'div',
              { className: 'live-text' },
              long(line.text, 'live-transcript', 'text'),
              cutNote(line, 'text'),
            ),
        asText(line.outputTranscript) === undefined
          ? null
          : el(
              'div',
              { className: 'live-said' },
              'Said: ',
              long(line.outputTranscript, 'live-transcript', 'said'),
              cutNote(line, 'outputTranscript'),
            ),
        field(line.audio, 'chunks') === undefined
          ? null
          : el('div', { className: 'dim' }, `Model audio: ${audioText(line.audio)}`),
      );
    case 'tool-call':
      return item(
        'tool-call',
        line.at,
        startedAt,
        el('b', null, `Tool call ${short(line.toolName) ?? '?'}`),
        ` (${short(line.behavior, 40) ?? 'BLOCKING'}, ${short(line.toolCallId) ?? ''})`,
        // An id-less call (Vertex): the id shown is the session's own key; the answer went without one.
        line.idless === true ? el('span', { className: 'dim' }, ' · sent without an id') : null,
        long(prettyJson(line.args), 'live-args', 'args', 'pre'),
      );
    case 'tool-result':
      return item(
        'tool-result',
        line.at,
        startedAt,
        el('b', null, `Tool result ${short(line.toolName) ?? '?'}`),
        asText(line.scheduling) === undefined ? '' : ` (${short(line.scheduling, 40)})`,
        long(prettyJson(line.output), 'live-output', 'output', 'pre'),
        modified(),
      );
    case 'tool-error':
      return item(
        'tool-error',
        line.at,
        startedAt,
        el(
          'b',
          null,
          `Tool ${short(line.outcome, 40) ?? 'error'} ${short(line.toolName) ?? '?'}: `,
        ),
        long(asText(line.message) ?? '', 'live-message', 'message'),
        modified(),
      );
    case 'reconnect':
      return item(
        'reconnect',
        line.at,
        startedAt,
        el('b', null, 'Reconnected: '),
        `${asText(line.reason) === 'go-away' ? 'after goAway' : 'the socket dropped'}, attempt ${asNumber(line.attempt) ?? '?'}`,
        line.discardedTurn === true ? ' · the turn in progress was discarded' : '',
      );
    case 'usage':
      return item(
        'usage',
        line.at,
        startedAt,
        el('b', null, 'Usage: '),
        `${formatCount(asNumber(field(line.usage, 'totalTokenCount')) ?? 0)} tokens`,
        // A price as the recorder writes one (decimal dollars), as the totals check it.
        /^\d{1,15}(\.\d{1,12})?$/.test(asText(field(line.cost, 'total')) ?? '')
          ? ` · $${field(line.cost, 'total')}`
          : '',
      );
    case 'truncated':
      return item(
        'truncated',
        line.at,
        startedAt,
        el('b', null, 'Not recorded further: '),
        short(line.reason, 500) ?? '',
      );
    case 'abandoned':
    case 'unreadable-line':
      // The viewer's notes (read-runs.ts): a line of the file that is no session line, or a
      // session whose process stopped before its end.
      return item('truncated', line.at, startedAt, short(line.reason, 500) ?? '');
    case 'live-end':
      return item(
        'end',
        line.at,
        startedAt,
        el('b', null, line.outcome === 'error' ? 'Session failed' : 'Session closed'),
      );
    default:
      return renderCheckLine(line, startedAt) ?? [];
  }
}
