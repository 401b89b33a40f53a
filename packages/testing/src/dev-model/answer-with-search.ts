import { cutText, isJsonObject } from '@gemloop/core/internal';
import { type FakeTurn, type FakeTurnOptions, turn } from '../script/fake-turn.ts';

/** The longest search query the demo model writes: a question is cut there. */
const MAX_QUERY_CHARS = 200;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Whether the request declares Google Search (`googleSearch` or `google_search`). */
export function declaresGoogleSearch(body: Record<string, unknown>): boolean {
  const tools = body['tools'];
  return (
    Array.isArray(tools) &&
    tools.some((tool) => isJsonObject(tool) && ('googleSearch' in tool || 'google_search' in tool))
  );
}

/**
 * A grounded answer as Gemini gives one after a Google Search (`groundingMetadata` with the
 * query and a source), saying plainly that the search was simulated: the demo model is offline,
 * so its one source is the search's own URL, never a made-up page.
 */
export function answerWithSearch(question: string, options: FakeTurnOptions): FakeTurn {
  const query = cutText(question.trim(), MAX_QUERY_CHARS);
  // A lone surrogate (a client's JSON "\ud83d") made encodeURIComponent throw: U+FFFD in its place.
  const uri = `https://www.google.com/search?q=${encodeURIComponent(query.replace(LONE_SURROGATE, '\uFFFD'))}`;
  return turn.grounded(
    `Simulated search for "${query}": I'm the gemloop demo simulator, offline, so no real search ran and I have no answer to give. A real model would answer from the pages it found.`,
    { sources: [{ uri, title: 'Google Search (simulated)' }], queries: [query] },
    options,
  );
}
