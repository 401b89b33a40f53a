// The items of a live session's story (live-page.js): one per line of its file. Every value is
// hostile file content: read with asText/asNumber and put on the page as text (dom.js).

import { el } from './dom.js';
import { asNumber, asText, field, formatCount, prettyJson } from './format.js';
import { renderCheckLine } from './live-check-lines.js';
import { cutNote, item } from './live-item.js';

/** Audio is counted by the recorder, never stored. */
export function audioText(audio) {
  const chunks = asNumber(field(audio, 'chunks')) ?? 0;
  const bytes = asNumber(field(audio, 'bytes')) ?? 0;
  return `${formatCount(chunks)} chunks (${formatCount(bytes)} bytes, not stored)`;
}

/** One line of a live session's file as an item of its story (nothing for an unknown kind). */
export function renderLine(line, startedAt) {
  switch (line.type) {
    case 'user-text':
      return item(
        'user-text',
        line.at,
        startedAt,
        el('b', null, 'User: '),
        asText(line.text) ?? '',
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
        el('b', null, `Turn ${asNumber(line.turn) ?? '?'} (${asText(line.outcome) ?? '?'}): `),
        line.outcome === 'discarded'
          ? el('span', { className: 'dim' }, 'cut by a reconnection; the server answers it again. ')
          : null,
        asText(line.inputTranscript) === undefined
          ? null
          : el(
              'div',
              { className: 'live-heard' },
              `Heard: ${line.inputTranscript}`,
              cutNote(line, 'inputTranscript'),
            ),
        asText(line.thoughts) === undefined
          ? null
          : el(
              'div',
              { className: 'live-thoughts dim' },
              `Thoughts: ${line.thoughts}`,
              cutNote(line, 'thoughts'),
            ),
        asText(line.text) === undefined
          ? null
          : el('div', { className: 'live-text' }, line.text, cutNote(line, 'text')),
        asText(line.outputTranscript) === undefined
          ? null
          : el(
              'div',
              { className: 'live-said' },
              `Said: ${line.outputTranscript}`,
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
        el('b', null, `Tool call ${asText(line.toolName) ?? '?'}`),
        ` (${asText(line.behavior) ?? 'BLOCKING'}, ${asText(line.toolCallId) ?? ''})`,
        // An id-less call (Vertex): the id shown is the session's own key; the answer went without one.
        line.idless === true ? el('span', { className: 'dim' }, ' · sent without an id') : null,
        el('pre', { className: 'live-args' }, prettyJson(line.args)),
      );
    case 'tool-result':
      return item(
        'tool-result',
        line.at,
        startedAt,
        el('b', null, `Tool result ${asText(line.toolName) ?? '?'}`),
        asText(line.scheduling) === undefined ? '' : ` (${line.scheduling})`,
        el('pre', { className: 'live-output' }, prettyJson(line.output)),
      );
    case 'tool-error':
      return item(
        'tool-error',
        line.at,
        startedAt,
        el('b', null, `Tool ${asText(line.outcome) ?? 'error'} ${asText(line.toolName) ?? '?'}: `),
        asText(line.message) ?? '',
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
        typeof field(line.cost, 'total') === 'string' ? ` · $${field(line.cost, 'total')}` : '',
      );
    case 'truncated':
      return item(
        'truncated',
        line.at,
        startedAt,
        el('b', null, 'Not recorded further: '),
        asText(line.reason) ?? '',
      );
    case 'abandoned':
    case 'unreadable-line':
      // The viewer's notes (read-runs.ts): a line of the file that is no session line, or a
      // session whose process stopped before its end.
      return item('truncated', line.at, startedAt, asText(line.reason) ?? '');
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
