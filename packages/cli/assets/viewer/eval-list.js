// The Evals page: the eval results of `gemloop eval --json` in the evals folder, and two of them
// picked to compare (compare-page.js).

import { getJson } from './api.js';
import { el, replaceContent } from './dom.js';

const app = document.getElementById('app');
const status = document.getElementById('status');

/** Lists the eval results, newest first, with two pickers that open their comparison. */
export async function showEvalList() {
  let all;
  try {
    all = await getJson('/api/evals');
  } catch (error) {
    status.textContent = `Cannot load the eval results: ${error.message}`;
    return;
  }
  // A file refused (not UTF-8) is listed with why, in the words gemloop eval compare uses, and is
  // no choice to compare.
  const refused = all.filter((result) => typeof result.problem === 'string');
  const results = all.filter((result) => typeof result.problem !== 'string');
  status.textContent = `${results.length} eval result(s)`;
  if (refused.length > 0) status.textContent += `, ${refused.length} not read`;
  if (all.length === 0) {
    replaceContent(
      app,
      el(
        'p',
        { className: 'dim' },
        'No eval results: run gemloop eval FILE --json .gemloop/evals/NAME.json.',
      ),
    );
    return;
  }
  const option = (result) =>
    el('option', { value: result.id }, `${result.name} (${result.mode}, ${result.startedAt})`);
  const pickA = el('select', { 'aria-label': 'before' }, results.map(option));
  const pickB = el('select', { 'aria-label': 'after' }, results.map(option));
  if (results.length > 1) {
    pickA.value = results[1].id;
    pickB.value = results[0].id;
  }
  const compare = el(
    'button',
    {
      type: 'button',
      onclick: () => {
        location.hash = `#/compare/${encodeURIComponent(pickA.value)}/${encodeURIComponent(pickB.value)}`;
      },
    },
    'Compare',
  );
  replaceContent(
    app,
    el('div', { className: 'filters' }, 'Compare ', pickA, ' with ', pickB, ' ', compare),
    el(
      'table',
      { className: 'eval-results' },
      el(
        'thead',
        null,
        el(
          'tr',
          null,
          el('th', null, 'Eval'),
          el('th', null, 'Mode'),
          el('th', null, 'Started'),
          el('th', null, 'Attempts'),
          el('th', null, 'Pass rate'),
        ),
      ),
      el(
        'tbody',
        null,
        results.map((result) =>
          el(
            'tr',
            null,
            el('td', null, result.name),
            el('td', null, result.mode),
            el('td', null, result.startedAt),
            el('td', null, String(result.attempts)),
            el('td', null, `${(result.passRate * 100).toFixed(1)}%`),
          ),
        ),
        refused.map((result) =>
          el(
            'tr',
            { className: 'refused', 'data-refused': result.id },
            el('td', null, `${result.id}.json`),
            el('td', { colspan: 4, className: 'reason' }, `not read: ${result.problem}`),
          ),
        ),
      ),
    ),
  );
}
