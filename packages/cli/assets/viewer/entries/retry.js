import { el } from '../dom.js';
import { defineEntryRenderer } from '../entry-renderers.js';
import { asNumber, asText, field, formatDuration } from '../format.js';

// A failed attempt of the step's model call that was retried.

defineEntryRenderer('retry', (entry) => {
  const status = asNumber(field(entry.error, 'status'));
  const name = asText(field(entry.error, 'name')) ?? 'Error';
  return el(
    'div',
    { className: 'entry retry' },
    `Attempt ${entry.attempt ?? '?'} failed (${name}${status === undefined ? '' : ` ${status}`}): retried after ${formatDuration(entry.delayMs)}`,
  );
});
