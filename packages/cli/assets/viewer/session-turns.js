import { getJson } from './api.js';
import { el, replaceContent } from './dom.js';
import { oneLine } from './format.js';

/** A chat turn's place in its session: a line that links every turn, this one in bold. */
export function renderSessionTurns(conversationId) {
  return el('p', { id: 'session-turns' }, `Chat session ${oneLine(conversationId, 200)}`);
}

/** Fills the line of {@link renderSessionTurns} from the list of runs, unless the page moved on. */
export async function fillSessionTurns(id, conversationId, isCurrent) {
  let runs;
  try {
    runs = await getJson('/api/runs');
  } catch {
    return;
  }
  const holder = document.getElementById('session-turns');
  if (holder === null || !isCurrent()) return;
  const turns = runs.filter((run) => run.conversationId === conversationId).reverse();
  replaceContent(
    holder,
    `Chat session ${oneLine(conversationId, 200)}: `,
    ...turns.flatMap((run, index) => [
      index === 0 ? '' : ' · ',
      run.id === id
        ? el('b', null, `turn ${index + 1}`)
        : el('a', { href: `#/run/${encodeURIComponent(run.id)}` }, `turn ${index + 1}`),
    ]),
  );
}
