import { el } from '../dom.js';
import { defineEntryRenderer } from '../entry-renderers.js';
import { formatDuration } from '../format.js';

// One guardrail check: "guardrail <name> (<phase>[ on <tool>]): <verdict>", red when it stopped
// the run, with its reason. Text only (el sets textContent): a reason is the guardrail's words.

defineEntryRenderer('guardrail', (entry) => {
  const where = entry.toolName === undefined ? entry.phase : `${entry.phase} on ${entry.toolName}`;
  const took = entry.durationMs === undefined ? '' : ` in ${formatDuration(entry.durationMs)}`;
  const text = `guardrail ${entry.name} (${where}): ${entry.verdict}${entry.tripped ? ', stopped the run' : ''}${took}${entry.reason === undefined ? '' : ` — ${entry.reason}`}`;
  return el(
    'div',
    { className: `entry guardrail${entry.tripped ? ' tripped outcome-error' : ''}` },
    text,
  );
});
