import { describeContinuation } from './continuation.js';
import { el } from './dom.js';
import { renderEntry, sortEntries } from './entry-renderers.js';
import { asName, asText, formatCount, formatDuration } from './format.js';
import { jsonBlock } from './json-block.js';
import { runOutcome } from './run-outcome.js';
import { stepTokens, totalTokens } from './run-tokens.js';

/**
 * What a step did, as its label says: `answer` (text, no tool call), `tools` (it called tools),
 * `re-asked`, `no answer`, `failed`, `aborted`, or `running` (its model call has not answered).
 * Not the loop's step kind: the answering step runs in the loop's `tools` mode too.
 */
export function stepLabel(step, run) {
  const call = step.modelCall;
  if (call?.error !== undefined) return runOutcome(run).kind === 'aborted' ? 'aborted' : 'failed';
  if (step.end === undefined && (call === undefined || call.end === undefined)) return 'running';
  if (step.toolCalls.length > 0) return 'tools';
  if (asText(step.end?.reask) !== undefined) return 're-asked';
  if (step.end?.kind === 'final-output') return 'structured output';
  return (step.text?.text ?? '') === '' ? 'no answer' : 'answer';
}

/**
 * The most entries one step block draws: a hostile file can give one step thousands of tool
 * calls; the rest are counted in a note.
 */
export const MAX_STEP_ENTRIES = 200;

/** One step as a readable block: a header line, its entries in order, the raw model call. */
export function renderStepBlock(step, context) {
  const label = stepLabel(step, context.run);
  const call = step.modelCall;
  const tokens = stepTokens(step);
  const withChildren = totalTokens(step.end?.usageWithChildren);
  const classes = ['step', `step-${label.replace(/\W+/g, '-')}`];
  if (call !== undefined && context.selected === call.key) classes.push('selected');
  const reask = asName(step.end?.reask, 80);
  const finish = asName(step.end?.finishReason, 80);
  const continuation = describeContinuation(step.end?.continuation);
  const rawKey = `${context.run.keyPrefix ?? ''}raw-${step.number}`;
  const agent = context.run.handoffs?.length > 0 ? context.run.agentAt(step.number) : undefined;
  return el(
    'section',
    { className: classes.join(' '), 'data-entry': call?.key, 'data-step': step.number },
    el(
      'div',
      { className: 'step-head' },
      el('b', null, `Step ${step.number}`),
      el('span', { className: `badge step-label label-${label.replace(/\W+/g, '-')}` }, label),
      // After a handoff, each step says which agent made it.
      agent === undefined ? null : el('span', { className: 'badge step-agent' }, agent),
      call?.end === undefined
        ? null
        : el('span', { className: 'dim' }, `model ${formatDuration(call.end - call.start)}`),
      tokens === undefined
        ? null
        : el('span', { className: 'dim' }, `${formatCount(tokens)} tokens`),
      // A step that called subagents: its tokens with theirs (usageWithChildren).
      withChildren === undefined
        ? null
        : el(
            'span',
            { className: 'dim step-with-children' },
            `${formatCount(withChildren)} with subagents`,
          ),
      finish === undefined ? null : el('span', { className: 'dim' }, finish),
      reask === undefined ? null : el('span', { className: 'dim' }, `re-asked (${reask})`),
      continuation === '' ? null : el('span', { className: 'dim' }, continuation),
      step.end?.interrupted === true
        ? el('span', { className: 'dim' }, 'interrupted (the stream ended without a finish signal)')
        : null,
    ),
    ...sortEntries(step.entries)
      .slice(0, MAX_STEP_ENTRIES)
      .map((entry) => renderEntry(entry, context)),
    step.entries.length <= MAX_STEP_ENTRIES
      ? null
      : el(
          'p',
          { className: 'dim hidden-entries' },
          `${(step.entries.length - MAX_STEP_ENTRIES).toLocaleString()} more entries of this step are not shown.`,
        ),
    call === undefined
      ? null
      : el(
          'details',
          {
            className: 'raw',
            'data-key': rawKey,
            open: context.expanded?.has(rawKey) ? '' : undefined,
          },
          el('summary', null, 'Model request and response (JSON)'),
          el('h4', null, 'Request'),
          jsonBlock(call.request, { key: `${rawKey}-request`, expanded: context.expanded }),
          call.response === undefined ? null : el('h4', null, 'Response'),
          call.response === undefined
            ? null
            : jsonBlock(call.response, { key: `${rawKey}-response`, expanded: context.expanded }),
        ),
  );
}
