// The lines of a live session's story that a plugin or a guardrail wrote (live-story.js): what a
// plugin reported, a plugin ending the session, a guardrail's check. Every value is hostile file
// content: read with asText and put on the page as text (dom.js).

import { el, visible } from './dom.js';
import { asText, field, oneLine, prettyJson } from './format.js';
import { item } from './live-item.js';

/** A plugin's or a guardrail's line as an item of the story; `undefined` for any other line. */
export function renderCheckLine(line, startedAt) {
  switch (line.type) {
    // What a plugin reported (run.emit): its name, what it did, its data (one line; the whole,
    // bounded, in the title), as a run's plugin entry shows it.
    case 'plugin': {
      const data = line.data === undefined ? undefined : prettyJson(line.data);
      const node = item(
        'plugin',
        line.at,
        startedAt,
        el('b', null, `Plugin ${oneLine(asText(line.plugin), 80) ?? '?'}: `),
        oneLine(asText(line.kind), 120) ?? '',
        data === undefined ? '' : ` ${oneLine(data, 300) ?? ''}`,
      );
      if (data !== undefined) node.title = visible(data.slice(0, 4000));
      return node;
    }
    // A plugin ended the session (run.finish): who and why.
    case 'finish':
      return item(
        'finish',
        line.at,
        startedAt,
        el(
          'b',
          null,
          `Ended by plugin ${oneLine(asText(field(line.stoppedBy, 'plugin')), 80) ?? '?'}: `,
        ),
        oneLine(asText(field(line.stoppedBy, 'reason')), 300) ?? '',
      );
    // A guardrail check on a live call or a sent text, red when it stopped something.
    case 'guardrail': {
      const phase = oneLine(asText(line.phase), 40) ?? '?';
      const tool = oneLine(asText(line.toolName), 200);
      const tripped = line.tripped === true;
      const stopped = phase === 'input' ? ', the text was not sent' : ', ended the session';
      const reason = oneLine(asText(line.reason), 300);
      return item(
        tripped ? 'guardrail tripped outcome-error' : 'guardrail',
        line.at,
        startedAt,
        el(
          'b',
          null,
          `Guardrail ${oneLine(asText(line.name), 80) ?? '?'} (${tool === undefined ? phase : `${phase} on ${tool}`}): `,
        ),
        `${oneLine(asText(line.verdict), 40) ?? '?'}${tripped ? stopped : ''}${reason === undefined ? '' : ` — ${reason}`}`,
      );
    }
    default:
      return undefined;
  }
}
