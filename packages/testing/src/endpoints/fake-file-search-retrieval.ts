import { cutText, isJsonObject } from '@gemloop/core/internal';
import type { GroundingMetadata } from '@gemloop/core/wire';
import { type FakeHttpError, googleError } from '../script/fake-errors.ts';
import type { FakeTurn } from '../script/fake-turn.ts';
import type { FakeFileSearchResult } from '../script/fake-types.ts';
import type { FakeFileSearchStore, FakeState, FakeStoreDocument } from '../state/fake-state.ts';

// The fake's File Search retrieval: deterministic, no embeddings. Each chunk of an active
// document is scored by the words (three letters or more) it shares with the question; the best
// `topK` are handed to the script and cited, as File Search cites
// (ai.google.dev/gemini-api/docs/file-search).

/** The tool's default `topK` in the fake (approximated). */
const DEFAULT_TOP_K = 5;

/** English words too common to say what a question is about (the fake's own short list). */
const STOP_WORDS = new Set(
  'the and for are you your how what when where which who why does did can with from that this have has many much get into out about'.split(
    ' ',
  ),
);

/** Lower-case words of three letters or more, common ones aside: what the fake's retrieval compares. */
function wordsOf(text: string): Set<string> {
  return new Set(
    [...text.toLowerCase().matchAll(/[\p{L}\p{N}]{3,}/gu)]
      .map((match) => match[0])
      .filter((word) => !STOP_WORDS.has(word)),
  );
}

/** The `fileSearch` tool of a request: its stores, `topK` and `metadataFilter`. */
function readFileSearchTool(
  body: unknown,
): { stores: string[]; topK: number; filter: string | undefined } | undefined {
  const tools = isJsonObject(body) ? body['tools'] : undefined;
  if (!Array.isArray(tools)) return undefined;
  for (const tool of tools) {
    const search = isJsonObject(tool) ? (tool['fileSearch'] ?? tool['file_search']) : undefined;
    if (!isJsonObject(search)) continue;
    const names = search['fileSearchStoreNames'] ?? search['file_search_store_names'];
    const topK = Number(search['topK'] ?? search['top_k']);
    const filter = search['metadataFilter'] ?? search['metadata_filter'];
    return {
      stores: Array.isArray(names) ? names.filter((name) => typeof name === 'string') : [],
      topK: Number.isInteger(topK) && topK > 0 ? topK : DEFAULT_TOP_K,
      filter: typeof filter === 'string' ? filter : undefined,
    };
  }
  return undefined;
}

/**
 * The fake's `metadataFilter`: `key = "value"` or `key = 3` clauses joined by `AND` (a subset of
 * AIP-160, which Google's filter follows). Anything else returns undefined, refused by the caller.
 */
function parseFilter(filter: string): Array<{ key: string; value: string | number }> | undefined {
  const clauses = filter.split(/\s+AND\s+/);
  const parsed: Array<{ key: string; value: string | number }> = [];
  for (const clause of clauses) {
    const match = /^\s*([A-Za-z_][\w.-]*)\s*=\s*(?:"([^"]*)"|(-?\d+(?:\.\d+)?))\s*$/.exec(clause);
    if (match === null) return undefined;
    parsed.push({ key: match[1] as string, value: match[2] ?? Number(match[3]) });
  }
  return parsed;
}

function matchesFilter(
  document: FakeStoreDocument,
  clauses: Array<{ key: string; value: string | number }>,
): boolean {
  return clauses.every(({ key, value }) =>
    document.customMetadata.some((entry) => {
      if (!isJsonObject(entry) || entry['key'] !== key) return false;
      if (typeof value === 'number') return entry['numericValue'] === value;
      const list = entry['stringListValue'];
      return (
        entry['stringValue'] === value ||
        (isJsonObject(list) && Array.isArray(list['values']) && list['values'].includes(value))
      );
    }),
  );
}

/**
 * What the fake's File Search retrieves for a model call: for a `fileSearch` tool naming stores
 * the fake holds, the active chunks sharing the most words with `question`, best first (ties in
 * store and document order), at most `topK`. Undefined without such a tool.
 * @internal
 */
export function retrieveFromStores(
  state: FakeState,
  body: unknown,
  question: string | undefined,
): { results: FakeFileSearchResult[] } | { error: FakeHttpError } | undefined {
  const tool = readFileSearchTool(body);
  if (tool === undefined) return undefined;
  const held = tool.stores.filter((name) =>
    state.fileSearchStores.has(name.replace(/^fileSearchStores\//, '')),
  );
  if (held.length === 0) return undefined;
  const clauses = tool.filter === undefined ? [] : parseFilter(tool.filter);
  if (clauses === undefined) {
    // Quoted cut between characters: half an emoji is no character.
    return {
      error: googleError(
        400,
        `[gemloop fake] metadataFilter ${JSON.stringify(cutText(tool.filter ?? '', 200))} is beyond the fake: it reads key = "value" or key = 3 clauses joined by AND.`,
      ),
    };
  }
  const wanted = wordsOf(question ?? '');
  const scored: Array<{ result: FakeFileSearchResult; score: number; order: number }> = [];
  for (const name of held) {
    const store = state.fileSearchStores.get(
      name.replace(/^fileSearchStores\//, ''),
    ) as FakeFileSearchStore;
    for (const document of store.documents.values()) {
      if (document.state !== 'STATE_ACTIVE' || !matchesFilter(document, clauses)) continue;
      for (const text of document.chunks) {
        const words = wordsOf(text);
        let score = 0;
        for (const word of wanted) if (words.has(word)) score++;
        if (score === 0) continue;
        scored.push({
          result: {
            store: `fileSearchStores/${store.id}`,
            document: `fileSearchStores/${store.id}/documents/${document.id}`,
            title: document.displayName,
            text,
          },
          score,
          order: scored.length,
        });
      }
    }
  }
  scored.sort((a, b) => b.score - a.score || a.order - b.order);
  return { results: scored.slice(0, tool.topK).map((entry) => entry.result) };
}

/**
 * A text turn with the retrieved chunks as its citations, as File Search answers
 * (ai.google.dev/gemini-api/docs/file-search#citations: `groundingChunks[].retrievedContext`
 * with `title`, `text` and `fileSearchStore`, and `groundingSupports` over the answer). A turn
 * that has its own `groundingMetadata`, no text, or nothing retrieved is left as it is.
 * @internal
 */
export function withFileSearchGrounding(
  turn: FakeTurn,
  results: readonly FakeFileSearchResult[],
): FakeTurn {
  if (results.length === 0 || turn.groundingMetadata !== undefined) return turn;
  const text = (turn.parts ?? [])
    .filter((part) => typeof part.text === 'string' && part.thought !== true)
    .map((part) => part.text)
    .join('');
  if (text === '') return turn;
  const groundingMetadata: GroundingMetadata = {
    groundingChunks: results.map((result) => ({
      retrievedContext: {
        title: result.title,
        text: result.text,
        fileSearchStore: result.store,
      },
    })),
    groundingSupports: [
      {
        segment: { endIndex: new TextEncoder().encode(text).length, text },
        groundingChunkIndices: results.map((_, index) => index),
      },
    ],
  };
  return { ...turn, groundingMetadata };
}
