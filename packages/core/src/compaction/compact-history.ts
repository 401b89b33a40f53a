import { CompactionError } from '../errors/compaction-error.ts';
import { estimateContentTokens } from '../history/estimate-tokens.ts';
import { validateHistory } from '../history/validate-history.ts';
import type { Content } from '../wire/content.ts';
import { ArtifactWrites } from './artifact-store.ts';
import { clearToolResults, contentBeforeClearing } from './clear-tool-results.ts';
import type { CompactionSettings } from './compaction-options.ts';
import { pruneThoughts } from './prune-thoughts.ts';
import { isSummaryContent, summaryContent, transcriptOf } from './summary-content.ts';

// Where they were before they moved beside the run's result types.
export type {
  CompactionReport,
  CompactionTrace,
  SummarizerCall,
} from '../run/compaction-report.ts';

/** Writes the summary of a transcript (the agent's model call, through its client). @internal */
export type Summarize = (transcript: string) => Promise<string>;

/** @internal */
export type CompactHistoryInput = {
  contents: readonly Content[];
  settings: CompactionSettings;
  /** Tokens the compacted contents should get under. */
  target: number;
  summarize: Summarize | undefined;
  newId: () => string;
  /** Told when an artifact store's put failed (the placeholder then names an id never kept). */
  onArtifactFailed?: ((error: unknown, id: string) => void) | undefined;
  /**
   * Told when the summarizer failed (a `CompactionError`, `summarizer-failed`): the compaction
   * goes on without a summary (clearing and pruning kept), and the next one tries again.
   */
  onSummaryFailed?: ((error: CompactionError) => void) | undefined;
};

/**
 * Compacts `contents` with the configured strategies, in order, stopping as soon as it is under
 * `target`: clear old tool results, prune old thoughts, then summarize the older turns. Every
 * content from the `keepRecent` tail on is kept as the same object. The result goes through
 * {@link checkRewrite}. @internal
 */
export async function compactHistory({
  contents,
  settings,
  target,
  summarize,
  newId,
  onArtifactFailed,
  onSummaryFailed,
}: CompactHistoryInput): Promise<{
  contents: readonly Content[];
  cleared: number;
  pruned: number;
  summarized: number;
}> {
  const keepFrom = keptTailStart(contents, settings.keepRecent);
  let out = contents;
  let cleared = 0;
  let pruned = 0;
  let summarized = 0;
  if (settings.clearToolResults !== undefined) {
    const writes = new ArtifactWrites(onArtifactFailed ?? (() => {}));
    ({ contents: out, cleared } = clearToolResults(out, {
      end: keepFrom,
      minTokens: settings.clearToolResults.minTokens,
      artifacts: settings.artifacts,
      writes,
      newId,
    }));
    // Stored before any request names them (an asynchronous store: a database).
    await writes.settle();
  }
  if (settings.pruneThoughts) ({ contents: out, pruned } = pruneThoughts(out, keepFrom));
  if (summarize !== undefined && estimateContentTokens(out) > target) {
    const cut = summaryCut(out, keepFrom);
    if (cut !== undefined) {
      let text: string | undefined;
      try {
        // From what the model saw: the results as they were, not the placeholders a clearing
        // (this one's or an earlier one's) left, or their facts never reach the summary.
        const seen = out.slice(cut.from, cut.to).map(contentBeforeClearing);
        text = await summarize(transcriptOf(seen));
      } catch (error) {
        if (!CompactionError.isInstance(error) || error.reason !== 'summarizer-failed') throw error;
        onSummaryFailed?.(error);
      }
      if (text !== undefined) {
        const summary = summaryContent(text);
        const replacedTokens = estimateContentTokens(out.slice(cut.from, cut.to));
        const summaryTokens = estimateContentTokens([summary]);
        if (summaryTokens < replacedTokens) {
          summarized = cut.to - cut.from;
          out = [...out.slice(0, cut.from), summary, ...out.slice(cut.to)];
        } else {
          // A summarizer that repeats itself up to its output limit would make every later
          // request bigger than the history it was meant to shrink, at each compaction again.
          onSummaryFailed?.(
            new CompactionError({
              reason: 'summarizer-failed',
              message: `The compaction summary (about ${summaryTokens} tokens) is not shorter than the turns it would replace (about ${replacedTokens} tokens); the history was not summarized.`,
            }),
          );
        }
      }
    }
  }
  return { contents: out, cleared, pruned, summarized };
}

/**
 * Where the verbatim tail starts: `keepRecent` contents from the end, moved back so it never
 * starts on a function-response content (its call must stay with it).
 */
function keptTailStart(contents: readonly Content[], keepRecent: number): number {
  let start = Math.max(0, contents.length - keepRecent);
  while (start > 0 && hasFunctionResponse(contents[start])) start--;
  return start;
}

/**
 * The contents a summary replaces: from the first content after the leading user request (kept
 * verbatim, so the task and the oldest bytes stay, and Gemini's implicit cache keeps hitting on
 * them) up to a model content at or before `keepFrom` whose previous content is a user one, so no
 * call loses its response and no response its call. An earlier summary is summarized again.
 */
function summaryCut(
  contents: readonly Content[],
  keepFrom: number,
): { from: number; to: number } | undefined {
  let from = 0;
  while (
    from < contents.length &&
    contents[from]?.role === 'user' &&
    !hasFunctionResponse(contents[from]) &&
    !isSummaryContent(contents[from])
  ) {
    from++;
  }
  for (let to = keepFrom; to > from + 1; to--) {
    if (contents[to]?.role === 'model' && contents[to - 1]?.role === 'user') return { from, to };
  }
  return undefined;
}

function hasFunctionResponse(content: Content | undefined): boolean {
  return content?.parts?.some((part) => part.functionResponse !== undefined) === true;
}

/**
 * The one check every rewrite of a history goes through (built in or `onCompaction`'s), before
 * it is sent: it must not add an issue the API refuses (pairing, placement, Gemini 3's signatures
 * of the active loop: `validateHistory`), must keep the last content (the active step) as it was,
 * and every function call it keeps must carry the signature it had (signatures are checked by
 * Gemini, and are model-bound: one cannot be made up).
 *
 * @throws {@link CompactionError} (`broken-history`) naming what broke.
 * @internal
 */
export function checkRewrite(
  before: readonly Content[],
  after: readonly Content[],
  requireThoughtSignatures: boolean,
  {
    activeResultsCleared = false,
  }: {
    /**
     * The window fit stored results of the active step (`fitWindow`): its responses may hold
     * placeholders, everything else of it (names, ids, order, other parts) must stay.
     */
    activeResultsCleared?: boolean;
  } = {},
): void {
  if (!Array.isArray(after) || after.length === 0) {
    throw broken('the compacted history is empty or not an array');
  }
  const options = { requireThoughtSignatures };
  const known = new Set(validateHistory(before, options).map((issue) => issue.code));
  const added = validateHistory(after, options).find((issue) => !known.has(issue.code));
  if (added !== undefined) {
    throw broken(`${added.code} at content ${added.contentIndex}: ${added.message}`);
  }
  const lastOf = activeResultsCleared ? withoutResults : (content: Content | undefined) => content;
  if (JSON.stringify(lastOf(after.at(-1))) !== JSON.stringify(lastOf(before.at(-1)))) {
    throw broken('the last content (the active step) was changed');
  }
  const signatures = new Map<string, string | undefined>();
  for (const content of before) {
    for (const part of content.parts ?? []) {
      const call = part.functionCall;
      if (call?.id !== undefined) signatures.set(call.id, part.thoughtSignature);
    }
  }
  for (const content of after) {
    for (const part of content.parts ?? []) {
      const call = part.functionCall;
      if (call?.id === undefined || !signatures.has(call.id)) continue;
      if (signatures.get(call.id) !== part.thoughtSignature) {
        throw broken(`the thought signature of function call "${call.id}" (${call.name}) changed`);
      }
    }
  }
}

/** A content with each function response reduced to what pairs it (its name and id). */
function withoutResults(content: Content | undefined): Content | undefined {
  if (content === undefined) return undefined;
  return {
    ...content,
    parts: (content.parts ?? []).map((part) => {
      const response = part.functionResponse;
      if (response === undefined) return part;
      // In a fixed key order: a placeholder is built with its keys in another order.
      const { id, name, willContinue, scheduling } = response;
      return { ...part, functionResponse: { id, name, willContinue, scheduling, response: {} } };
    }),
  };
}

function broken(issue: string): CompactionError {
  return new CompactionError({
    reason: 'broken-history',
    issue,
    message: `A compaction would send a history Gemini refuses (${issue}); the history was not rewritten. If onCompaction returned it, keep every function call with its response and signature and the last content as they were.`,
  });
}
