import { boundedText } from '../bounded-text.js';
import { el } from '../dom.js';
import { defineEntryRenderer } from '../entry-renderers.js';
import { formatCount } from '../format.js';

// The model's thought summary of a step: collapsed, one click to read.

defineEntryRenderer('thoughts', (entry, { expanded }) => {
  if (entry.text === '') return null;
  const key = `${entry.keyPrefix ?? ''}thoughts-${entry.stepNumber}`;
  return el(
    'details',
    { className: 'entry thoughts', 'data-key': key, open: expanded?.has(key) ? '' : undefined },
    el('summary', null, `Thoughts (${formatCount(entry.text.length)} characters)`),
    boundedText(entry.text, { className: 'thought-text', key: `${key}-text`, expanded }),
  );
});
