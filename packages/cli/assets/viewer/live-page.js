// One live session (a file of createLiveRecorder, first line `live-start`) as a story: what the
// user sent, each model turn with its text and transcripts, tool calls and results,
// interruptions, reconnections, usage and cost. Every value is hostile file content: read with
// asText/asNumber and put on the page as text (dom.js).

import { el, replaceContent } from './dom.js';
import { asNumber, asText, field, formatCount, oneLine } from './format.js';
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
export function renderLivePage(lines, { all = false, showAll, expanded } = {}) {
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
      `Live session · ${oneLine(asText(start.agentName), 200) ?? 'agent'} · ${oneLine(asText(start.model), 200) ?? 'unknown model'}`,
    ),
    renderTotals(start, end),
    el('h2', null, 'Story'),
    el('ol', { id: 'live-story' }, storyItems(lines, startedAt, { all, showAll, expanded })),
  );
}

/**
 * The story's items (the lines after the first): all of them, or the first and last ones around
 * a "show all" button. Each line's blocks are keyed by its place in the file, which a growing
 * session never changes.
 */
function storyItems(fileLines, startedAt, { all, showAll, expanded }) {
  const lines = fileLines.slice(1);
  const render = (part, from) =>
    part.flatMap((line, index) => renderLine(line, startedAt, { key: from + index, expanded }));
  if (all || lines.length <= 2 * EDGE_ITEMS) return render(lines, 0);
  const hidden = lines.length - 2 * EDGE_ITEMS;
  return [
    render(lines.slice(0, EDGE_ITEMS), 0),
    el(
      'li',
      { className: 'hidden-steps' },
      `${formatCount(hidden)} items in between are not shown. `,
      el('button', { type: 'button', className: 'show-more', onclick: showAll }, 'show all items'),
    ),
    render(lines.slice(-EDGE_ITEMS), lines.length - EDGE_ITEMS),
  ].flat();
}

function renderTotals(start, end) {
  if (end === undefined)
    return el(
      'p',
      { className: 'live-totals' },
      `${oneLine(asText(start.modality), 40) ?? 'text'} · running`,
    );
  const error = field(end, 'error');
  return el(
    'p',
    { className: 'live-totals' },
    [
      `${oneLine(asText(start.modality), 40) ?? 'text'}`,
      end.outcome === 'error'
        ? `ended with ${oneLine(asText(field(error, 'name')), 80) ?? 'Error'} (${oneLine(asText(field(error, 'reason')), 80) ?? ''}): ${oneLine(asText(field(error, 'message')), 1000) ?? ''}`
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
