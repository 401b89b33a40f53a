import { boundedText } from '../bounded-text.js';
import { el } from '../dom.js';
import { defineEntryRenderer } from '../entry-renderers.js';
import { asText, field, oneLine } from '../format.js';
import { runOutcome } from '../run-outcome.js';

// A model call that failed, in its step. In an aborted run the call was stopped, not failed: grey.

defineEntryRenderer('call-error', (entry, { run, expanded }) => {
  if (runOutcome(run).kind === 'aborted')
    return el(
      'div',
      { className: 'entry call-error outcome-aborted' },
      'The model call was stopped: the run was aborted.',
    );
  return el(
    'div',
    { className: 'entry call-error outcome-error' },
    `${oneLine(asText(field(entry.error, 'name')), 200) ?? 'Error'}: `,
    // A gateway's error body can be a page long: its start, and "show more".
    boundedText(asText(field(entry.error, 'message')) ?? '', { tag: 'span', expanded }),
  );
});
