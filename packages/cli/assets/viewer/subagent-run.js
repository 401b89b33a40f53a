import { el } from './dom.js';
import { asText, formatCount, formatDuration } from './format.js';
import { runOutcome } from './run-outcome.js';
import { runTokens } from './run-tokens.js';
import { renderStepBlock } from './step-block.js';

/** The most steps of one subagent run drawn; the rest are counted in a note. */
export const MAX_CHILD_STEPS = 200;

/**
 * The run a tool call started (a subagent), under that call: a `<details>` labelled with the
 * child's agent name and path, its steps inside (their own subagents nested the same way). Open
 * by default at depth 1 (the top run's children), closed below; a click or Enter on the label
 * opens it, and a re-draw keeps what the reader opened or closed (`data-key`).
 */
export function renderChildRun(child, context) {
  const key = `${child.keyPrefix}tree`;
  const defaultOpen = child.depth <= 1;
  const open = defaultOpen ? !context.collapsed?.has(key) : context.expanded?.has(key) === true;
  const outcome = runOutcome(child);
  const name = asText(child.start.agentName) ?? 'agent';
  const path = (child.summary?.path ?? []).join(' › ');
  const steps = child.steps;
  const childContext = { ...context, run: child };
  const duration = child.last - child.startedAt;
  return el(
    'details',
    {
      className: `subagent depth-${Math.min(child.depth, 8)}`,
      'data-key': key,
      'data-depth': child.depth,
      'data-path': path,
      'data-default-open': defaultOpen ? '' : undefined,
      open: open ? '' : undefined,
    },
    el(
      'summary',
      { className: 'subagent-head' },
      el('b', { className: 'subagent-name' }, name),
      el('span', { className: 'dim subagent-path' }, ` ${path}`),
      el('span', { className: 'dim' }, ` · ${steps.length} step${steps.length === 1 ? '' : 's'}`),
      el('span', { className: 'dim' }, ` · ${formatCount(runTokens(child))} tokens`),
      el('span', { className: 'dim' }, ` · ${formatDuration(Math.max(0, duration))}`),
      el('span', { className: `badge outcome-${outcome.kind}` }, outcome.label),
    ),
    el(
      'div',
      { className: 'subagent-steps' },
      steps.slice(0, MAX_CHILD_STEPS).map((step) => renderStepBlock(step, childContext)),
      steps.length <= MAX_CHILD_STEPS
        ? null
        : el(
            'p',
            { className: 'dim' },
            `${(steps.length - MAX_CHILD_STEPS).toLocaleString()} more steps of this subagent are not shown.`,
          ),
      outcome.detail === undefined
        ? null
        : el('p', { className: `outcome-${outcome.kind}` }, outcome.detail),
      renderUnplaced(child, childContext),
    ),
  );
}

/** Subagent runs of `run` that no tool call of it could be matched with, after its steps. */
export function renderUnplaced(run, context) {
  if (run.unplacedChildren.length === 0) return null;
  return el(
    'div',
    { className: 'unplaced-children' },
    el('h4', null, 'Subagent runs'),
    run.unplacedChildren.map((child) => renderChildRun(child, context)),
  );
}
