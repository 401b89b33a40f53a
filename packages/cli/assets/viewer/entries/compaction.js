import { el } from '../dom.js';
import { defineEntryRenderer } from '../entry-renderers.js';
import { formatCount } from '../format.js';

// The history compacted before this step's model call: tokens before and after, and how.

defineEntryRenderer('compaction', (entry) => {
  const done = [];
  if (entry.replaced) done.push('replaced by onCompaction');
  if (entry.cleared > 0) done.push(`${formatCount(entry.cleared)} tool result(s) cleared`);
  if (entry.pruned > 0) done.push(`${formatCount(entry.pruned)} thought(s) pruned`);
  if (entry.summarized > 0) done.push(`${formatCount(entry.summarized)} content(s) summarized`);
  return el(
    'div',
    { className: 'entry compaction' },
    `History compacted (${entry.reason === 'steps' ? 'step cadence' : 'over the token threshold'}): ${formatCount(entry.tokensBefore)} → ${formatCount(entry.tokensAfter)} tokens${done.length > 0 ? `; ${done.join(', ')}` : ''}`,
  );
});
