import { el } from '../dom.js';
import { defineEntryRenderer } from '../entry-renderers.js';

// A handoff in the step that made it: who handed to whom, and how the history was filtered for
// the receiver. The steps below belong to the receiver (their heads say so).

defineEntryRenderer('handoff', (entry) =>
  el(
    'div',
    { className: 'entry handoff', 'data-handoff': entry.to },
    el('b', null, `Handed to ${entry.to}`),
    el('span', { className: 'dim' }, ` by ${entry.from}`),
    el('p', { className: 'dim handoff-filter' }, describeFilter(entry)),
  ),
);

/** The filter that applied, in words, with the history's length before and after it. */
export function describeFilter(entry) {
  const how =
    entry.filter === 'custom'
      ? 'filter: the handoff’s own'
      : entry.filter === 'default'
        ? `filter: default (drops the tool exchanges of ${entry.from})`
        : 'filter: not recorded';
  const counts =
    entry.contentsBefore === undefined || entry.contentsAfter === undefined
      ? ''
      : ` · history ${entry.contentsBefore} → ${entry.contentsAfter} contents`;
  return `${how}${counts}`;
}
