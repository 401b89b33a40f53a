import { el } from '../dom.js';
import { defineEntryRenderer } from '../entry-renderers.js';
import { oneLine } from '../format.js';

// A steer (or a queued message) the person sent while the run worked, or one the run dropped.

defineEntryRenderer('steer', (entry) => {
  const what = entry.mode === 'queue' ? 'Queued message' : 'Steer';
  const label = entry.status === 'dropped' ? `${what} dropped (the run ended first)` : `${what}`;
  const others = entry.parts > 1 ? ` (+${entry.parts - 1} part${entry.parts > 2 ? 's' : ''})` : '';
  return el(
    'div',
    { className: `entry steer ${entry.status}`, title: entry.text.slice(0, 2000) },
    el('strong', null, `${label}: `),
    `${oneLine(entry.text, 300) ?? ''}${others}`,
  );
});
