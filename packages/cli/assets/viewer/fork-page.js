// One fork beside its original: the two trajectories in columns, each tool call marked as the
// diff of `gemloop replay --json` says (added, dropped, moved, arguments drifted, with their JSON
// paths), then the answers, steps, tokens and dollars of both. Every value goes on the page as
// text (dom.js): a fork file is read as hostile input.

import { getJson } from './api.js';
import { runIdOf } from './compare-evals.js';
import { el, replaceContent, table } from './dom.js';
import { oneLine } from './format.js';

const app = document.getElementById('app');
const status = document.getElementById('status');

const MAX_CHARS = 500;

function text(value) {
  const shown = value === undefined ? '(none)' : (JSON.stringify(value) ?? String(value));
  return shown.length > MAX_CHARS ? `${shown.slice(0, MAX_CHARS)}…` : shown;
}

/** A name, a path or a count of the file, on one line and cut: a fork file is read as hostile. */
const word = (value) => oneLine(String(value), 200);

const list = (value) => (Array.isArray(value) ? value : []);

/** How each call of each side changed: `index → { mark, drift }`. */
function marks(diff) {
  const original = new Map();
  const fork = new Map();
  const calls = diff?.toolCalls ?? {};
  for (const call of list(calls.dropped)) original.set(call?.index, { mark: 'dropped' });
  for (const call of list(calls.added)) fork.set(call?.index, { mark: 'added' });
  for (const [kind, pairs] of [
    ['moved', list(calls.reordered)],
    ['drifted', list(calls.drifted)],
  ]) {
    for (const pair of pairs) {
      original.set(pair?.original?.index, { mark: kind, drift: list(pair?.drift) });
      fork.set(pair?.fork?.index, { mark: kind, drift: list(pair?.drift) });
    }
  }
  return { original, fork };
}

function driftList(drift, side) {
  if (drift === undefined || drift.length === 0) return null;
  return el(
    'ul',
    { className: 'drift' },
    drift.map((item) =>
      el('li', null, el('code', null, word(item?.path)), ` ${text(item?.[side])}`),
    ),
  );
}

function column(title, trajectory, marked, side) {
  return el(
    'section',
    { className: `fork-side fork-${side}`, 'aria-label': title },
    el('h2', null, title),
    el(
      'ol',
      { className: 'fork-calls' },
      list(trajectory?.toolCalls).map((call, index) => {
        const change = marked.get(index) ?? { mark: 'same' };
        return el(
          'li',
          { className: `call-${change.mark}`, 'data-mark': change.mark },
          el('span', { className: 'call-step' }, `step ${word(call?.step)}`),
          ' ',
          el('strong', null, word(call?.name)),
          el('code', null, text(call?.args)),
          change.mark === 'same' ? null : el('span', { className: 'mark' }, ` ${change.mark}`),
          driftList(change.drift, side),
        );
      }),
    ),
    el('p', { className: 'fork-answer' }, el('strong', null, 'Answer: '), text(trajectory?.text)),
  );
}

function totals(result) {
  const row = (label, a, b, delta) =>
    el(
      'tr',
      null,
      el('th', null, label),
      el('td', null, a),
      el('td', null, b),
      el('td', null, delta),
    );
  const diff = result.diff ?? {};
  return table(
    'fork-totals',
    ['', 'Original', 'Fork', 'Δ'],
    [
      row('Steps', word(diff.steps?.original), word(diff.steps?.fork), word(diff.steps?.delta)),
      row(
        'Tokens',
        word(diff.tokens?.original?.total),
        word(diff.tokens?.fork?.total),
        word(diff.tokens?.delta?.total),
      ),
      row(
        'Cost $',
        word(diff.costUsd?.original ?? '?'),
        word(diff.costUsd?.fork ?? '?'),
        word(diff.costUsd?.delta ?? '?'),
      ),
    ],
  );
}

/** Shows the fork `id` of the forks folder beside its original. */
export async function showForkPage(id) {
  let result;
  try {
    result = await getJson(`/api/forks/${encodeURIComponent(id)}`);
  } catch (error) {
    status.textContent = `Cannot load the fork: ${error.message}`;
    replaceContent(app, el('p', null, el('a', { href: '#/forks' }, 'Back to the forks')));
    return;
  }
  const { original, fork } = marks(result.diff);
  status.textContent = result.diff?.same === true ? 'the same run' : 'the fork differs';
  replaceContent(
    app,
    el(
      'p',
      null,
      el('a', { href: '#/forks' }, '← Forks'),
      ` ${word(String(result.runFile).split('/').pop())} forked at step ${word(result.until)} `,
      runIdOf(result.runFile) === undefined
        ? null
        : el(
            'a',
            {
              className: 'original-run',
              href: `#/run/${encodeURIComponent(runIdOf(result.runFile))}`,
            },
            'the original run',
          ),
    ),
    el(
      'div',
      { className: 'fork-columns' },
      column('Original', result.original, original, 'original'),
      column('Fork', result.fork, fork, 'fork'),
    ),
    totals(result),
  );
}
