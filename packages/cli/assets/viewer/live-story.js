// The items of a live session's story (live-page.js): one per line of its file. Every value is
// hostile file content: read with asText/asNumber and put on the page as text (dom.js).

import { el, visible } from './dom.js';
import {
  asNumber,
  asText,
  field,
  formatCount,
  formatDuration,
  oneLine,
  prettyJson,
} from './format.js';

/** Audio is counted by the recorder, never stored. */
export function audioText(audio) {
  const chunks = asNumber(field(audio, 'chunks')) ?? 0;
  const bytes = asNumber(field(audio, 'bytes')) ?? 0;
  return `${formatCount(chunks)} chunks (${formatCount(bytes)} bytes, not stored)`;
}

function item(kind, at, startedAt, ...children) {
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

function cutNote(line, key) {
  const chars = asNumber(line[`${key}Chars`]);
  return chars === undefined
    ? null
    : el('span', { className: 'dim' }, ` (cut; ${formatCount(chars)} characters)`);
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
    // What a plugin reported (run.emit): its name, what it did, its data (one line; the whole,
    // bounded, in the title), as a run's plugin entry shows it.
    case 'plugin': {
      const data = line.data === undefined ? undefined : prettyJson(line.data);
      const node = item(
        'plugin',
        line.at,
        startedAt,
        el('b', null, `Plugin ${oneLine(asText(line.plugin), 80) ?? '?'}: `),
        oneLine(asText(line.kind), 120) ?? '',
        data === undefined ? '' : ` ${oneLine(data, 300) ?? ''}`,
      );
      if (data !== undefined) node.title = visible(data.slice(0, 4000));
      return node;
    }
    // A plugin ended the session (run.finish): who and why.
    case 'finish':
      return item(
        'finish',
        line.at,
        startedAt,
        el(
          'b',
          null,
          `Ended by plugin ${oneLine(asText(field(line.stoppedBy, 'plugin')), 80) ?? '?'}: `,
        ),
        oneLine(asText(field(line.stoppedBy, 'reason')), 300) ?? '',
      );
    // A guardrail check on a live call or a sent text, red when it stopped something.
    case 'guardrail': {
      const phase = asText(line.phase) ?? '?';
      const tool = asText(line.toolName);
      const tripped = line.tripped === true;
      const stopped = phase === 'input' ? ', the text was not sent' : ', ended the session';
      const reason = oneLine(asText(line.reason), 300);
      return item(
        tripped ? 'guardrail tripped outcome-error' : 'guardrail',
        line.at,
        startedAt,
        el(
          'b',
          null,
          `Guardrail ${oneLine(asText(line.name), 80) ?? '?'} (${tool === undefined ? phase : `${phase} on ${tool}`}): `,
        ),
        `${asText(line.verdict) ?? '?'}${tripped ? stopped : ''}${reason === undefined ? '' : ` — ${reason}`}`,
      );
    }
    case 'truncated':
      return item(
        'truncated',
        line.at,
        startedAt,
        el('b', null, 'Not recorded further: '),
        asText(line.reason) ?? '',
      );
    case 'live-end':
      return item(
        'end',
        line.at,
        startedAt,
        el('b', null, line.outcome === 'error' ? 'Session failed' : 'Session closed'),
      );
    default:
      return [];
  }
}
