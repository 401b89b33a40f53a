import { boundedText } from '../bounded-text.js';
import { el } from '../dom.js';
import { defineEntryRenderer } from '../entry-renderers.js';
import { formatDuration } from '../format.js';
import { jsonBlock } from '../json-block.js';
import { renderChildRun } from '../subagent-run.js';

// A tool call in its step: name, outcome and time on one line, then its arguments and its result
// (or error) side by side, shown without a click.

defineEntryRenderer('tool-call', ({ call }, context) => {
  const { expanded, selected } = context;
  const failed = call.outcome !== undefined && call.outcome !== 'success';
  const timing = call.end === undefined ? 'running' : formatDuration(call.end - call.start);
  const classes = ['entry', 'tool-call'];
  if (failed) classes.push(call.outcome === 'aborted' ? 'aborted' : 'failed');
  if (selected === call.key) classes.push('selected');
  let result;
  if (call.end === undefined) result = el('p', { className: 'dim' }, 'still running…');
  else if (call.outcome === 'success')
    result = jsonBlock(call.output, { key: `${call.key}-result`, expanded });
  else
    result = el(
      'p',
      { className: call.outcome === 'aborted' ? 'outcome-aborted' : 'outcome-error tool-error' },
      boundedText(call.error ?? call.outcome ?? 'no result', {
        tag: 'span',
        key: `${call.key}-error`,
        expanded,
      }),
    );
  return el(
    'div',
    { className: classes.join(' '), 'data-entry': call.key },
    el(
      'div',
      { className: 'entry-head' },
      el('b', { className: 'tool-name' }, call.name),
      call.toolType === undefined ? null : el('span', { className: 'dim' }, ` (${call.toolType})`),
      el('span', { className: 'dim' }, ` · ${timing}`),
      call.outcome === undefined
        ? null
        : el(
            'span',
            {
              className: `badge outcome-${call.outcome === 'success' ? 'success' : call.outcome === 'aborted' ? 'aborted' : 'error'}`,
            },
            call.outcome,
          ),
    ),
    el(
      'div',
      { className: 'tool-io' },
      el(
        'div',
        { className: 'tool-args' },
        el('h4', null, 'Arguments'),
        jsonBlock(call.args, { key: `${call.key}-args`, expanded }),
        // An approval's modify ran other arguments: shown under the model's, never instead.
        call.modifiedArgs === undefined
          ? null
          : el(
              'div',
              { className: 'tool-modified-args' },
              el('h4', null, 'Modified arguments (what ran)'),
              jsonBlock(call.modifiedArgs, { key: `${call.key}-modified-args`, expanded }),
            ),
      ),
      el('div', { className: 'tool-result' }, el('h4', null, failed ? 'Error' : 'Result'), result),
    ),
    // A subagent's call: the child run it started, nested under it.
    call.child === undefined ? null : renderChildRun(call.child, context),
  );
});
