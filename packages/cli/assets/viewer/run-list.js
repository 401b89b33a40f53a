import { getJson, schedulePoll } from './api.js';
import { el, replaceContent } from './dom.js';
import { formatCount, formatDuration, formatWhen } from './format.js';

const app = document.getElementById('app');
const status = document.getElementById('status');

const OUTCOMES = ['all', 'success', 'error', 'aborted', 'running', 'abandoned', 'unreadable'];
const COLUMNS = [
  'When',
  'Question and answer',
  'Agent',
  'Model',
  'Steps',
  'Tokens',
  'Duration',
  'Outcome',
  'Tools',
];

const filters = { outcome: 'all', tool: 'all' };
// As last drawn (runs, filters, first element): a poll with the same runs keeps the rows in place.
let drawn;

/** The list of runs, newest first, chat turns grouped by session; polled every 2 s. */
export async function showRunList() {
  let runs;
  try {
    runs = await getJson('/api/runs');
  } catch (error) {
    status.textContent = `Cannot load the runs: ${error.message}`;
    schedulePoll(showRunList, 3000);
    return;
  }
  if (location.hash !== '' && location.hash !== '#/') return;
  status.textContent = `${runs.length} run(s)`;
  const key = JSON.stringify([runs, filters]);
  if (drawn?.key === key && app.contains(drawn.element)) return schedulePoll(showRunList, 2000);
  const shown = runs.filter(
    (run) =>
      (filters.outcome === 'all' || run.outcome === filters.outcome) &&
      (filters.tool === 'all' || run.tools.includes(filters.tool)),
  );
  replaceContent(
    app,
    renderFilters(runs),
    shown.length === 0
      ? el(
          'p',
          { className: 'empty' },
          runs.length === 0
            ? 'No runs recorded yet. Add recorder: createRunRecorder() to an agent, or run npm run demo.'
            : 'No run matches the filters.',
        )
      : renderTable(shown),
  );
  drawn = { key, element: app.firstElementChild };
  schedulePoll(showRunList, 2000);
}

function renderFilters(runs) {
  const tools = [...new Set(runs.flatMap((run) => run.tools))].sort();
  const outcome = el(
    'select',
    {
      id: 'filter-outcome',
      onchange: (event) => {
        filters.outcome = event.target.value;
        showRunList();
      },
    },
    OUTCOMES.map((value) => el('option', { value }, value === 'all' ? 'all outcomes' : value)),
  );
  outcome.value = filters.outcome;
  const tool = el(
    'select',
    {
      id: 'filter-tool',
      onchange: (event) => {
        filters.tool = event.target.value;
        showRunList();
      },
    },
    el('option', { value: 'all' }, 'any tool'),
    tools.map((name) => el('option', { value: name }, name)),
  );
  tool.value = tools.includes(filters.tool) ? filters.tool : 'all';
  return el('div', { className: 'filters' }, 'Filter:', outcome, tool);
}

/** Chat turns are grouped under their session, placed where its newest turn is. */
function groupBySession(runs) {
  const groups = [];
  const sessions = new Map();
  for (const run of runs) {
    if (typeof run.conversationId !== 'string') {
      groups.push({ runs: [run] });
      continue;
    }
    let group = sessions.get(run.conversationId);
    if (group === undefined) {
      group = { session: run.conversationId, runs: [] };
      sessions.set(run.conversationId, group);
      groups.push(group);
    }
    group.runs.push(run);
  }
  return groups;
}

function renderTable(runs) {
  const table = el(
    'table',
    { id: 'runs' },
    el(
      'thead',
      null,
      el(
        'tr',
        null,
        COLUMNS.map((title) => el('th', null, title)),
      ),
    ),
  );
  for (const group of groupBySession(runs)) {
    const body = el('tbody', { className: group.session === undefined ? 'single' : 'session' });
    if (group.session !== undefined) {
      // Turns oldest first inside a session.
      group.runs.reverse();
      body.append(
        el(
          'tr',
          { className: 'session-header' },
          el(
            'td',
            { colspan: COLUMNS.length },
            `Chat session ${group.session} · ${group.runs.length} turn(s)`,
          ),
        ),
      );
    }
    for (const run of group.runs) body.append(renderRow(run, group.session !== undefined));
    table.append(body);
  }
  return table;
}

function renderRow(run, turn) {
  const href = `#/run/${encodeURIComponent(run.id)}`;
  const classes = ['run-row', `row-${run.outcome}`];
  if (run.kind === 'live') classes.push('live-row');
  if (turn) classes.push('turn');
  if (run.parent !== undefined && run.parent !== null) classes.push('child-run');
  return el(
    'tr',
    { className: classes.join(' ') },
    el('td', null, el('a', { href }, formatWhen(run.startedAt))),
    el(
      'td',
      { className: 'question-cell' },
      el('a', { className: 'question', href }, run.question ?? '(no text question)'),
      run.answer === undefined ? null : el('div', { className: 'answer-preview' }, run.answer),
    ),
    el(
      'td',
      null,
      run.agentName ?? '',
      run.kind === 'live' ? el('div', { className: 'live-badge' }, 'live session') : null,
      // A subagent's run: also shown nested in the run that started it.
      run.parent === undefined || run.parent === null
        ? null
        : el('div', { className: 'dim subagent-of' }, `subagent ${(run.path ?? []).join(' › ')}`),
    ),
    el('td', null, run.model),
    // A large file's row comes from its last bytes: at least this many steps.
    el(
      'td',
      run.partial ? { title: 'Read from the end of a large file' } : null,
      run.partial ? `≥ ${run.steps}` : run.steps,
    ),
    el(
      'td',
      null,
      formatCount(run.totalTokens),
      // The server checked it is a decimal of dollars (summarize-run.ts).
      typeof run.costUsd === 'string' ? el('div', { className: 'cost' }, `$${run.costUsd}`) : null,
    ),
    el('td', null, formatDuration(run.durationMs)),
    el(
      'td',
      { className: `outcome-${run.outcome}`, title: run.error ?? '' },
      run.outcome === 'success' ? (run.finishReason ?? 'success') : run.outcome,
      run.outcome === 'aborted' && run.error !== undefined
        ? el('div', { className: 'reason' }, run.error)
        : null,
    ),
    el('td', null, run.tools.join(', ')),
  );
}
