import { el } from './dom.js';
import { asNumber, field, formatCount } from './format.js';

const input = (usage) =>
  (asNumber(field(usage, 'promptTokenCount')) ?? 0) +
  (asNumber(field(usage, 'toolUsePromptTokenCount')) ?? 0);
const output = (usage) =>
  (asNumber(field(usage, 'candidatesTokenCount')) ?? 0) +
  (asNumber(field(usage, 'thoughtsTokenCount')) ?? 0);

/** Input and output tokens of each ended step, as bars. */
export function renderTokenChart(run) {
  const steps = run.steps.filter((step) => step.end !== undefined);
  if (steps.length === 0) return el('p', { className: 'empty' }, 'No steps yet.');
  const max = Math.max(1, ...steps.map((step) => input(step.end.usage) + output(step.end.usage)));
  return el(
    'div',
    { id: 'token-chart' },
    el(
      'div',
      { className: 'legend' },
      el('span', null, el('span', { className: 'swatch chart-input' }), 'input'),
      el('span', null, el('span', { className: 'swatch chart-output' }), 'output (incl. thinking)'),
    ),
    ...steps.map((step) => {
      const inTokens = input(step.end.usage);
      const outTokens = output(step.end.usage);
      return el(
        'div',
        { className: 'chart-row' },
        el('span', null, `step ${step.number}`),
        el(
          'div',
          { className: 'chart-bars' },
          el('div', { className: 'chart-input', style: { width: `${(inTokens / max) * 100}%` } }),
          el('div', { className: 'chart-output', style: { width: `${(outTokens / max) * 100}%` } }),
        ),
        el('span', null, `${formatCount(inTokens)} in · ${formatCount(outTokens)} out`),
      );
    }),
  );
}
