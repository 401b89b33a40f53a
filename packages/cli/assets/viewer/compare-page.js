// Two eval runs side by side (a prompt or model change): per case its change, pass rate, mean
// score and cost, regressions first, each side linking to the recorded run it replayed.

import { getJson } from './api.js';
import { compareEvals, runIdOf } from './compare-evals.js';
import { el, replaceContent } from './dom.js';
import { oneLine } from './format.js';

const app = document.getElementById('app');
const status = document.getElementById('status');

const ORDER = ['regression', 'improvement', 'added', 'removed', 'same'];

const num = (value, digits = 2) => (value === undefined ? '-' : value.toFixed(digits));

function runLink(side) {
  const id = runIdOf(side?.runFile);
  return id === undefined ? null : el('a', { href: `#/run/${encodeURIComponent(id)}` }, 'run');
}

/** Shows eval result `a` compared with `b` (ids of the evals folder). */
export async function showComparePage(a, b) {
  let before;
  let after;
  try {
    [before, after] = await Promise.all([
      getJson(`/api/evals/${encodeURIComponent(a)}`),
      getJson(`/api/evals/${encodeURIComponent(b)}`),
    ]);
  } catch (error) {
    status.textContent = `Cannot load the eval results: ${error.message}`;
    replaceContent(app, el('p', null, el('a', { href: '#/evals' }, 'Back to the evals')));
    return;
  }
  const rows = compareEvals(before, after).sort(
    (x, y) => ORDER.indexOf(x.change) - ORDER.indexOf(y.change),
  );
  const count = (change) => rows.filter((row) => row.change === change).length;
  const costDelta = (row) =>
    row.a === undefined || row.b === undefined
      ? '-'
      : `${row.b.cost - row.a.cost >= 0 ? '+' : ''}${(row.b.cost - row.a.cost).toFixed(6)}`;
  status.textContent = `${count('regression')} regression(s), ${count('improvement')} improvement(s)`;
  replaceContent(
    app,
    el(
      'p',
      null,
      el('a', { href: '#/evals' }, '← Evals'),
      ` ${oneLine(String(before.name), 200)} → ${oneLine(String(after.name), 200)}`,
    ),
    el(
      'table',
      { className: 'compare' },
      el(
        'thead',
        null,
        el(
          'tr',
          null,
          ['Case', 'Change', 'Pass a → b', 'Score a → b', 'Cost Δ $', 'Status a → b', 'Runs'].map(
            (title) => el('th', null, title),
          ),
        ),
      ),
      el(
        'tbody',
        null,
        rows.map((row) =>
          el(
            'tr',
            { className: `change-${row.change}`, 'data-case': row.caseId },
            // A case id or status of a result file from elsewhere can be a page long.
            el('td', null, oneLine(row.caseId, 200)),
            el('td', { className: 'change' }, row.change),
            el('td', null, `${num(row.a?.pass)} → ${num(row.b?.pass)}`),
            el('td', null, `${num(row.a?.score)} → ${num(row.b?.score)}`),
            el('td', null, costDelta(row)),
            el(
              'td',
              null,
              `${oneLine(row.a?.status, 200) ?? '-'} → ${oneLine(row.b?.status, 200) ?? '-'}`,
            ),
            el('td', null, runLink(row.a), ' ', runLink(row.b)),
          ),
        ),
      ),
    ),
  );
}
