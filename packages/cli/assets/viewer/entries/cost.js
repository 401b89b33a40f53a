import { el } from '../dom.js';
import { defineEntryRenderer } from '../entry-renderers.js';
import { asText, field } from '../format.js';

// A cost: `Cost $0.00267 (input $0.0018, cached $0.00012, output $0.0005, thinking $0.00025)`
// for a step, `Run cost ...` after the answer, or why it is unknown. The recorder writes exact
// decimal strings of US dollars; a run file is hostile, so only such strings are shown.

const DOLLARS = /^\d{1,15}(\.\d{1,12})?$/;
const MAX_REASON_CHARS = 300;

function dollars(cost, key) {
  const value = asText(field(cost, key));
  return value !== undefined && DOLLARS.test(value) ? `$${value}` : undefined;
}

defineEntryRenderer('cost', (entry) => {
  const label = entry.scope === 'run' ? 'Run cost' : 'Cost';
  const total = dollars(entry.cost, 'total');
  const className = entry.scope === 'run' ? 'entry cost run-cost' : 'entry cost';
  if (total === undefined) {
    const reason = asText(field(entry.cost, 'unknown'));
    return el(
      'div',
      { className: `${className} cost-unknown` },
      reason === undefined
        ? `${label} unknown`
        : `${label} unknown: ${reason.slice(0, MAX_REASON_CHARS)}`,
    );
  }
  const parts = [
    ['input', 'input'],
    ['cached', 'cachedInput'],
    ['output', 'output'],
    ['thinking', 'thinking'],
  ]
    .map(([name, key]) => [name, dollars(entry.cost, key)])
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${name} ${value}`);
  return el(
    'div',
    { className },
    parts.length === 0 ? `${label} ${total}` : `${label} ${total} (${parts.join(', ')})`,
  );
});
