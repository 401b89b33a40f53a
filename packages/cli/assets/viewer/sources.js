import { el } from './dom.js';
import { asText, field, oneLine } from './format.js';

// A step's grounding is the model's bytes (attack42c): 100,000 chunks made as many list items, and
// a 2 MB address a 2 MB link. The list shows the first ones and counts the rest; an address past
// what a browser's address bar takes shows as cut text.
const MAX_SOURCES = 200;
const MAX_LINK_CHARS = 2048;

function groundingSources(run) {
  const sources = [];
  let more = 0;
  const seen = new Set();
  // The model's own grounding of a step, and a call's (a built-in run as a function on 2.x).
  const groundings = run.steps.flatMap((step) => [
    field(step.end, 'grounding'),
    ...step.toolCalls.map((call) => call.grounding),
  ]);
  for (const grounding of groundings) {
    const chunks = field(grounding, 'groundingChunks');
    if (!Array.isArray(chunks)) continue;
    for (const chunk of chunks) {
      const web = field(chunk, 'web') ?? field(chunk, 'retrievedContext') ?? field(chunk, 'maps');
      // A File Search chunk names its store in place of a `uri` (the File Search docs' citations).
      const uri = asText(field(web, 'uri')) ?? asText(field(web, 'fileSearchStore'));
      const title = asText(field(web, 'title')) ?? uri;
      const key = `${uri} ${title}`;
      if (uri === undefined || seen.has(key)) continue;
      seen.add(key);
      if (sources.length < MAX_SOURCES) sources.push({ uri, title });
      else more += 1;
    }
  }
  return { sources, more };
}

/** The grounding sources the steps cited, as links (web links only; anything else, a File Search store, as text). */
export function renderSources(run) {
  const { sources, more } = groundingSources(run);
  if (sources.length === 0) return el('p', { className: 'empty' }, 'No grounding sources.');
  return el(
    'ul',
    { id: 'sources' },
    ...sources.map((source) =>
      el(
        'li',
        null,
        // Only web links are clickable; anything else (javascript:, data:) stays text.
        /^https?:\/\//i.test(source.uri) && source.uri.length <= MAX_LINK_CHARS
          ? el(
              'a',
              { href: source.uri, target: '_blank', rel: 'noopener noreferrer' },
              oneLine(source.title, 200),
            )
          : el('span', null, `${oneLine(source.title, 200)} (${oneLine(source.uri, 200)})`),
      ),
    ),
    more > 0 ? el('li', { className: 'empty' }, `and ${more.toLocaleString()} more`) : null,
  );
}
