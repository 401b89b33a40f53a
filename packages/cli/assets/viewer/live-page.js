// One live session (a file of createLiveRecorder, first line `live-start`) as a story: what the
// user sent, each model turn with its text and transcripts, tool calls and results,
// interruptions, reconnections, usage and cost. Every value is hostile file content: read with
// asText/asNumber and put on the page as text (dom.js).

import { el, replaceContent } from './dom.js';
import { asNumber, asText, field, formatCount } from './format.js';
import { audioText, renderLine } from './live-story.js';

const app = document.getElementById('app');
const status = document.getElementById('status');

/**
 * A session of more items shows its first and last {@link EDGE_ITEMS} and a button for the rest,
 * as the run page does with steps: an hours-long voice session (or a hostile file) of 100,000
 * lines was 100,000 items drawn at once, and again each second while it grew: the page hung.
 */
export const EDGE_ITEMS = 100;

/**
 * Shows a live session's lines; `running` when it has no closing line yet. `all`: every item
 * (the reader asked); `showAll` is called when the reader asks.
 */
export function renderLivePage(lines, { all = false, showAll } = {}) {
  const start = lines[0];
  const end = lines.find((line) => line.type === 'live-end');
  const startedAt = asNumber(start.at) ?? 0;
  status.textContent = end === undefined ? 'Live session in progress (updating live)' : '';
  replaceContent(
    app,
    el('p', null, el('a', { href: '#/' }, '← all runs')),
    el(
      'h1',
      { className: 'live-title' },
      `Live session · ${asText(start.agentName) ?? 'agent'} · ${asText(start.model) ?? 'unknown model'}`,
    ),
    renderTotals(start, end),
    el('h2', null, 'Story'),
    el('ol', { id: 'live-story' }, storyItems(lines.slice(1), startedAt, all, showAll)),
  );
}

/** The story's items: all of them, or the first and last ones around a "show all" button. */
function storyItems(lines, startedAt, all, showAll) {
  const render = (part) => part.flatMap((line) => renderLine(line, startedAt));
  if (all || lines.length <= 2 * EDGE_ITEMS) return render(lines);
  const hidden = lines.length - 2 * EDGE_ITEMS;
  return [
    render(lines.slice(0, EDGE_ITEMS)),
    el(
      'li',
      { className: 'hidden-steps' },
      `${formatCount(hidden)} items in between are not shown. `,
      el('button', { type: 'button', className: 'show-more', onclick: showAll }, 'show all items'),
    ),
    render(lines.slice(-EDGE_ITEMS)),
  ].flat();
}

function renderTotals(start, end) {
  if (end === undefined)
    return el('p', { className: 'live-totals' }, `${asText(start.modality) ?? 'text'} · running`);
  const error = field(end, 'error');
  return el(
    'p',
    { className: 'live-totals' },
    [
      `${asText(start.modality) ?? 'text'}`,
      end.outcome === 'error'
        ? `ended with ${asText(field(error, 'name')) ?? 'Error'} (${asText(field(error, 'reason')) ?? ''}): ${asText(field(error, 'message')) ?? ''}`
        : 'closed',
      `${formatCount(asNumber(end.turns) ?? 0)} turns`,
      `${formatCount(asNumber(end.toolCalls) ?? 0)} tool calls`,
      `${formatCount(asNumber(end.reconnects) ?? 0)} reconnections`,
      `${formatCount(asNumber(field(end.usage, 'totalTokenCount')) ?? 0)} tokens`,
      typeof end.costUsd === 'string' && /^\d{1,15}(\.\d{1,12})?$/.test(end.costUsd)
        ? `$${end.costUsd}`
        : 'cost unknown',
      `audio in ${audioText(end.audioIn)}`,
      `audio out ${audioText(end.audioOut)}`,
      asNumber(end.droppedLines) > 0 ? `${end.droppedLines} lines dropped` : null,
    ]
      .filter((part) => part !== null)
      .join(' · '),
  );
}
