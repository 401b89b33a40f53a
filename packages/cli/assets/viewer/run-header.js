import { boundedText } from './bounded-text.js';
import { el } from './dom.js';
import { asName, asText, formatCount, formatDuration, formatWhen, oneLine } from './format.js';
import { firstUserText } from './question.js';
import { runOutcome } from './run-outcome.js';
import { runTokens } from './run-tokens.js';

/** How many characters of the answer the header shows (the whole answer is below the steps). */
const ANSWER_PREVIEW_CHARS = 300;

/**
 * The run at a glance: its question, the facts (agent, model, start, duration, steps, tokens,
 * outcome), and the start of its answer, or why it failed or was aborted.
 */
export function renderRunHeader(run, { expanded }) {
  // Why it failed or stopped: an error's message can be a page long (a gateway's HTML body).
  const detail = (text) => boundedText(text, { tag: 'span', key: 'outcome-detail', expanded });
  const outcome = runOutcome(run);
  const question = firstUserText(run.start.input);
  const conversationId = asText(run.start.conversationId);
  const answer = oneLine(asText(run.end?.text), ANSWER_PREVIEW_CHARS);
  return el(
    'div',
    { className: `run-header outcome-kind-${outcome.kind}`, id: 'run-header' },
    question === undefined
      ? el('p', { className: 'question empty', id: 'question' }, '(no text question in the input)')
      : boundedText(question, { className: 'question', id: 'question', key: 'question', expanded }),
    el(
      'div',
      { className: 'summary', id: 'run-summary' },
      el('span', null, 'Agent ', el('b', null, asName(run.start.agentName) ?? '(unnamed)')),
      el('span', null, 'Model ', el('b', null, asName(run.start.model) ?? 'unknown')),
      el('span', null, 'Started ', el('b', null, formatWhen(run.startedAt))),
      el('span', null, 'Duration ', el('b', null, formatDuration(run.last - run.startedAt))),
      el('span', null, 'Steps ', el('b', null, run.steps.length)),
      el('span', null, 'Tokens ', el('b', { id: 'run-tokens' }, formatCount(runTokens(run)))),
      el(
        'span',
        null,
        'Outcome ',
        el('b', { className: `outcome-${outcome.kind}`, id: 'run-outcome' }, outcome.label),
      ),
      conversationId === undefined
        ? null
        : el('span', null, 'Chat session ', el('b', null, oneLine(conversationId, 200))),
    ),
    outcome.kind === 'aborted'
      ? el(
          'p',
          { className: 'outcome-aborted', id: 'outcome-detail' },
          'Aborted: ',
          detail(outcome.detail ?? 'no reason given'),
        )
      : outcome.kind === 'error'
        ? el('p', { className: 'outcome-error', id: 'outcome-detail' }, detail(outcome.detail))
        : answer === undefined || answer === ''
          ? null
          : el(
              'p',
              { className: 'answer-preview', id: 'answer-preview' },
              el('span', { className: 'dim' }, 'Answer: '),
              answer,
            ),
  );
}
