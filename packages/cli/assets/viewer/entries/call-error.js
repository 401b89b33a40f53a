import { el } from '../dom.js';
import { defineEntryRenderer } from '../entry-renderers.js';
import { asText, field } from '../format.js';
import { runOutcome } from '../run-outcome.js';

// A model call that failed, in its step. In an aborted run the call was stopped, not failed: grey.

defineEntryRenderer('call-error', (entry, { run }) => {
  if (runOutcome(run).kind === 'aborted')
    return el(
      'div',
      { className: 'entry call-error outcome-aborted' },
      'The model call was stopped: the run was aborted.',
    );
  return el(
    'div',
    { className: 'entry call-error outcome-error' },
    `${asText(field(entry.error, 'name')) ?? 'Error'}: ${asText(field(entry.error, 'message')) ?? ''}`,
  );
});
