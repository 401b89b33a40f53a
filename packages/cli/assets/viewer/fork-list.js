// The Forks page: the forks `gemloop replay --json` wrote to the forks folder, each opening the
// original and the fork side by side (fork-page.js).

import { getJson } from './api.js';
import { el, replaceContent, table } from './dom.js';

const app = document.getElementById('app');
const status = document.getElementById('status');

/** Lists the forks, newest name first. */
export async function showForkList() {
  let forks;
  try {
    forks = await getJson('/api/forks');
  } catch (error) {
    status.textContent = `Cannot load the forks: ${error.message}`;
    return;
  }
  status.textContent = `${forks.length} fork(s)`;
  if (forks.length === 0) {
    replaceContent(
      app,
      el(
        'p',
        { className: 'dim' },
        'No forks: run gemloop replay RUN_FILE --until N ... --json .gemloop/forks/NAME.json.',
      ),
    );
    return;
  }
  replaceContent(
    app,
    table(
      'fork-results',
      ['Fork', 'Of run', 'At step', 'Trajectory', 'Answer'],
      forks.map((fork) =>
        // A file refused (not UTF-8): why, in the words gemloop diff uses; nothing to open.
        typeof fork.problem === 'string'
          ? el(
              'tr',
              { className: 'refused', 'data-refused': fork.id },
              el('td', null, `${fork.id}.json`),
              el('td', { colspan: 4, className: 'reason' }, `not read: ${fork.problem}`),
            )
          : el(
              'tr',
              { 'data-fork': fork.id },
              el('td', null, el('a', { href: `#/fork/${encodeURIComponent(fork.id)}` }, fork.id)),
              el('td', null, fork.runFile),
              el('td', null, String(fork.until)),
              el('td', null, fork.same ? 'same' : 'changed'),
              el('td', null, fork.answerChanged ? 'changed' : 'same'),
            ),
      ),
    ),
  );
}
