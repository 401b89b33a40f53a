import { el } from '../dom.js';
import { defineEntryRenderer } from '../entry-renderers.js';
import { oneLine } from '../format.js';

// A plugin's report: its name, what it did, and its data (JSON, one line; the whole in the title).

defineEntryRenderer('plugin', (entry) =>
  el(
    'div',
    { className: 'entry plugin', title: entry.data === undefined ? '' : entry.data.slice(0, 4000) },
    el('strong', null, `${oneLine(entry.plugin, 80) ?? 'plugin'}: `),
    `${oneLine(entry.what, 120) ?? ''}${entry.data === undefined ? '' : ` ${oneLine(entry.data, 300) ?? ''}`}`,
  ),
);
