import { boundedText } from '../bounded-text.js';
import { el } from '../dom.js';
import { defineEntryRenderer } from '../entry-renderers.js';
import { asText } from '../format.js';
import { runOutcome } from '../run-outcome.js';

// How the run ended, after its steps: the answer, the error in red, or the abort in grey.

defineEntryRenderer('run-end', ({ line }, { run, expanded }) => {
  const outcome = runOutcome(run);
  if (outcome.kind === 'aborted')
    return el(
      'div',
      { className: 'run-end outcome-aborted', id: 'run-end' },
      el('h2', null, 'Aborted'),
      el(
        'p',
        null,
        outcome.detail === undefined
          ? 'The run was aborted (no reason given).'
          : ['Reason: ', boundedText(outcome.detail, { tag: 'span', key: 'end-reason', expanded })],
      ),
    );
  if (outcome.kind === 'error')
    return el(
      'div',
      { className: 'run-end outcome-error', id: 'run-end' },
      el('h2', null, 'Failed'),
      el('p', null, boundedText(outcome.detail ?? '', { tag: 'span', key: 'end-error', expanded })),
    );
  const text = asText(line.text);
  if (text === undefined || text === '') return null;
  return el(
    'div',
    { className: 'run-end', id: 'run-end' },
    el('h2', null, 'Answer'),
    boundedText(text, { className: 'model-text', id: 'answer', key: 'answer', expanded }),
  );
});
