import { el } from '../dom.js';
import { defineEntryRenderer } from '../entry-renderers.js';
import { oneLine } from '../format.js';

// A steer (or a queued message) the person sent while the run worked, or one the run dropped.

// Why a message was dropped (SteeringDropReason); a reason this page does not know (a hostile or
// newer file) reads as the oldest one.
const DROPPED_BECAUSE = {
  'run-ended': 'the run ended first',
  aborted: 'the run was aborted',
  failed: 'the run failed',
  guardrail: 'an input guardrail blocked it',
  'too-many-pending': 'more than maxPending waited',
};

defineEntryRenderer('steer', (entry) => {
  const what = entry.mode === 'queue' ? 'Queued message' : 'Steer';
  const because = Object.hasOwn(DROPPED_BECAUSE, entry.reason)
    ? DROPPED_BECAUSE[entry.reason]
    : DROPPED_BECAUSE['run-ended'];
  const label = entry.status === 'dropped' ? `${what} dropped (${because})` : `${what}`;
  const others = entry.parts > 1 ? ` (+${entry.parts - 1} part${entry.parts > 2 ? 's' : ''})` : '';
  return el(
    'div',
    { className: `entry steer ${entry.status}`, title: entry.text.slice(0, 2000) },
    el('strong', null, `${label}: `),
    `${oneLine(entry.text, 300) ?? ''}${others}`,
  );
});
