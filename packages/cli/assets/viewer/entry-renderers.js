// The registry of entry renderers: how each `kind` of entry in a step block (or of the run as a
// whole) is drawn. An entry is plain data a line reader made (`{ kind, order, ... }`); a feature
// adds one file under entries/ that calls `defineEntryRenderer`, and names it in kinds.js.

import { el } from './dom.js';

const renderers = new Map();

/**
 * Registers how entries of `kind` are drawn: `render(entry, context)` returns an element (or
 * `null` for nothing). `context` holds `run` (the whole model), `expanded` (keys of blocks the
 * reader opened) and `selected` (the key the timeline last pointed at).
 */
export function defineEntryRenderer(kind, render) {
  renderers.set(kind, render);
}

/** Draws one entry; an entry of an unknown kind shows as such rather than failing the page. */
export function renderEntry(entry, context) {
  const render = renderers.get(entry.kind);
  if (render === undefined)
    return el('div', { className: 'entry unknown' }, `(an entry of kind ${String(entry.kind)})`);
  return render(entry, context);
}

/**
 * Entries in their place: by `order` (lower first: retries 10, thoughts 20, text 30, tool calls
 * 40, errors 50; a new kind picks its own), then in the order they were read.
 */
export function sortEntries(entries) {
  return entries
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => (a.entry.order ?? 100) - (b.entry.order ?? 100) || a.index - b.index)
    .map(({ entry }) => entry);
}
