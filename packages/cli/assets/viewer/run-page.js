import { getJson, schedulePoll } from './api.js';
import { el, replaceContent } from './dom.js';
import { renderEntry, sortEntries } from './entry-renderers.js';
import { asText } from './format.js';
import { renderLivePage } from './live-page.js';
import { readRun } from './read-run.js';
import { renderRunHeader } from './run-header.js';
import { loadRunTree, MAX_TREE_DEPTH, MAX_TREE_RUNS } from './run-tree.js';
import { fillSessionTurns, renderSessionTurns } from './session-turns.js';
import { renderSources } from './sources.js';
import { renderStepBlock } from './step-block.js';
import { renderUnplaced } from './subagent-run.js';
import { renderTimeline } from './timeline.js';
import { renderTokenChart } from './token-chart.js';

const app = document.getElementById('app');
const status = document.getElementById('status');

/**
 * A run of more steps shows its first and last {@link EDGE_STEPS} and a button for the rest: a
 * hostile (or runaway) file of 100,000 steps would otherwise be 100,000 blocks at once.
 */
export const EDGE_STEPS = 100;

/** The page's state for the run shown: kept across live re-renders. */
let current = {
  id: undefined,
  count: -1,
  selected: undefined,
  lines: [],
  allSteps: false,
  /** The lines of the subagent runs that ended (see loadRunTree). */
  ended: new Map(),
};

/**
 * Shows one run, and follows it every second while it is being written (no closing line, not cut
 * by the viewer).
 */
export async function showRunPage(id, { fresh = true } = {}) {
  let lines;
  try {
    lines = await getJson(`/api/runs/${encodeURIComponent(id)}`);
  } catch (error) {
    replaceContent(app, el('p', { className: 'empty' }, `Cannot load this run: ${error.message}`));
    return;
  }
  if (location.hash !== `#/run/${encodeURIComponent(id)}`) return;
  if (Array.isArray(lines) && lines[0]?.type === 'live-start') {
    // A live session (createLiveRecorder): its own page, followed while it has no end.
    const count = lines.length;
    if (fresh || current.id !== id || current.count !== count) {
      // "show all items" and the expanded texts hold across the redraws of a growing session.
      const all = !fresh && current.id === id && current.allSteps;
      current = { id, count, selected: undefined, lines, allSteps: all, ended: new Map() };
      const expanded = fresh ? undefined : expandedKeys();
      const showAll = () => {
        current.allSteps = true;
        renderLivePage(current.lines, { all: true, expanded: expandedKeys() });
      };
      renderLivePage(lines, { all, showAll, expanded });
    }
    const following =
      !lines.some((line) => line.type === 'live-end' || line.type === 'abandoned') &&
      !lines.some((line) => line.type === 'truncated' && line.by === 'viewer');
    if (following) schedulePoll(() => showRunPage(id, { fresh: false }), 1000);
    return;
  }
  if (!Array.isArray(lines) || lines.length === 0 || lines[0].type !== 'run-start') {
    replaceContent(app, el('p', { className: 'empty' }, 'This run file has no start line.'));
    return;
  }
  // The runs its subagents started are other files: the list says which (their parent run).
  let summaries = [];
  try {
    summaries = await getJson('/api/runs');
  } catch {
    // The run is shown without its subagents.
  }
  if (location.hash !== `#/run/${encodeURIComponent(id)}`) return;
  // A file the viewer cut is not followed live: each poll would read it again to its limit.
  // Nor is a run the viewer found abandoned (its recorder's process stopped): no end will come.
  const running =
    !lines.some((line) => line.type === 'run-end' || line.type === 'abandoned') &&
    !lines.some((line) => line.type === 'truncated' && line.by === 'viewer');
  // A visit (not a poll) draws the page anew: the list may have been on screen in between.
  if (fresh || current.id !== id)
    current = { id, count: -1, selected: undefined, lines, allSteps: false, ended: new Map() };
  // A live run's subagents grow too: the page re-draws when any file of the tree has more lines.
  const run = readRun(lines);
  const tree = await loadRunTree(run, summaries, current.ended);
  if (location.hash !== `#/run/${encodeURIComponent(id)}`) return;
  const count = lines.length + tree.lines + tree.runs;
  if (count !== current.count) {
    current.count = count;
    current.lines = lines;
    current.run = run;
    current.tree = tree;
    render();
  }
  if (running) schedulePoll(() => showRunPage(id, { fresh: false }), 1000);
}

/** The keys of the blocks the reader opened or expanded, so a re-render keeps them so. */
function expandedKeys() {
  const keys = new Set();
  for (const node of app.querySelectorAll('details[open][data-key], .expanded[data-key]'))
    keys.add(node.dataset.key);
  return keys;
}

/** The keys of the blocks open by default (a top run's subagents) that the reader closed. */
function collapsedKeys() {
  const keys = new Set();
  for (const node of app.querySelectorAll('details[data-default-open][data-key]:not([open])'))
    keys.add(node.dataset.key);
  return keys;
}

/** The step blocks: all of them, or the first and last ones around a "show all" button. */
function renderSteps(run, context) {
  const steps = run.steps;
  if (current.allSteps || steps.length <= 2 * EDGE_STEPS)
    return steps.map((step) => renderStepBlock(step, context));
  const hidden = steps.length - 2 * EDGE_STEPS;
  const showAll = () => {
    current.allSteps = true;
    render();
  };
  return [
    steps.slice(0, EDGE_STEPS).map((step) => renderStepBlock(step, context)),
    el(
      'p',
      { className: 'hidden-steps' },
      `${hidden.toLocaleString()} steps in between are not shown. `,
      el('button', { type: 'button', className: 'show-more', onclick: showAll }, 'show all steps'),
    ),
    steps.slice(-EDGE_STEPS).map((step) => renderStepBlock(step, context)),
  ].flat();
}

function render() {
  const { id, run, tree } = current;
  const conversationId = asText(run.start.conversationId);
  if (conversationId !== undefined)
    queueMicrotask(() => fillSessionTurns(id, conversationId, () => current.id === id));
  const context = {
    run,
    expanded: expandedKeys(),
    collapsed: collapsedKeys(),
    selected: current.selected,
  };
  const select = (key) => {
    current.selected = key;
    render();
    app.querySelector(`[data-entry="${key}"]`)?.scrollIntoView({ block: 'center' });
  };
  status.textContent =
    run.end === undefined &&
    !run.notes.some(
      (note) => (note.type === 'truncated' && note.by === 'viewer') || note.type === 'abandoned',
    )
      ? 'Run in progress (updating live)'
      : '';
  replaceContent(
    app,
    el('p', null, el('a', { href: '#/' }, '← all runs')),
    renderRunHeader(run, context),
    conversationId === undefined ? null : renderSessionTurns(conversationId),
    run.notes.map((note) =>
      el(
        'p',
        { className: 'truncated-note' },
        note.type === 'unreadable-line' || note.type === 'abandoned'
          ? (asText(note.reason) ?? '')
          : note.by === 'viewer'
            ? `Cut by the viewer: ${asText(note.reason) ?? ''}`
            : `The recorder stopped recording this run: ${asText(note.reason) ?? ''}`,
      ),
    ),
    el('h2', null, 'Timeline'),
    renderTimeline(run, { selected: current.selected, onSelect: select }),
    el('h2', null, 'Steps'),
    el('div', { id: 'steps' }, renderSteps(run, context)),
    renderUnplaced(run, context),
    tree.cut === 0
      ? null
      : el(
          'p',
          { className: 'truncated-note' },
          `${tree.cut} subagent runs are not shown (past ${MAX_TREE_RUNS} runs or ${MAX_TREE_DEPTH} levels).`,
        ),
    sortEntries(run.entries).map((entry) => renderEntry(entry, context)),
    el('h2', null, 'Tokens per step'),
    renderTokenChart(run),
    el('h2', null, 'Grounding sources'),
    renderSources(run),
  );
}
