import { estimateContentTokens } from '../history/estimate-tokens.ts';
import type { Content, Part } from '../wire/content.ts';
import { ArtifactWrites } from './artifact-store.ts';
import { clearResponseParts, clearToolResults, isClearedResponse } from './clear-tool-results.ts';
import { type CompactionSettings, DEFAULT_CLEAR_MIN_TOKENS } from './compaction-options.ts';
import { pruneThoughts } from './prune-thoughts.ts';

/** @internal */
export type FitWindowInput = {
  /** The history the step would send (after the compaction's own rewrite, if any). */
  contents: readonly Content[];
  /** The tokens the history may take: the window less what every request sends besides it. */
  budget: number;
  settings: CompactionSettings;
  /** The history's estimated tokens (the run's per-content estimate). */
  estimate: (contents: readonly Content[]) => number;
  newId: () => string;
  onArtifactFailed: (error: unknown, id: string) => void;
};

/** What {@link fitWindow} did, and what it left. @internal */
export type FitWindowResult = {
  contents: readonly Content[];
  tokens: number;
  /** Results of earlier steps cleared (the recent turns' included). */
  clearedOld: number;
  /** Results of the current step cleared (each kept in the artifact store). */
  clearedCurrent: number;
  pruned: number;
  /** Why the current step's results were left whole, when they were and it did not fit. */
  currentKept: string | undefined;
};

/**
 * The last resort before a request that would pass the model's input window (compaction's own
 * rewrite stops at `keepRecent`, and never touches the step being answered): cuts what can be
 * cut, least needed first, until the history fits `budget`:
 *
 * 1. every tool result of the steps before the one being answered (the `keepRecent` tail's
 *    included) becomes a placeholder, and their thought summaries are dropped;
 * 2. the results of the step being answered (the contents after the last model turn: one wide
 *    step of many parallel calls can pass the window on its own) are stored in the artifact
 *    store, biggest first, one at a time, their placeholders naming the id `read_tool_output`
 *    reads. Only with a store: a placeholder that says "call it again" for a result the model
 *    has not seen yet would make it call the same tool again, for the same result.
 *
 * Call/response pairing and every signature stay (a placeholder keeps the response's name and
 * id). The caller fails the step when the result is still over `budget`.
 * @internal
 */
export async function fitWindow({
  contents,
  budget,
  settings,
  estimate,
  newId,
  onArtifactFailed,
}: FitWindowInput): Promise<FitWindowResult> {
  const activeStart = activeStepStart(contents);
  const writes = new ArtifactWrites(onArtifactFailed);
  const clearing = { artifacts: settings.artifacts, writes, newId };
  const { contents: cleared, cleared: clearedOld } = clearToolResults(contents, {
    ...clearing,
    end: activeStart,
    minTokens: settings.clearToolResults?.minTokens ?? DEFAULT_CLEAR_MIN_TOKENS,
  });
  const { contents: pruned, pruned: prunedCount } = pruneThoughts(cleared, activeStart);
  const out = [...pruned];
  let tokens = estimate(out);
  let clearedCurrent = 0;
  let currentKept: string | undefined;
  const results = currentResults(out, activeStart);
  if (tokens > budget && results.length > 0) {
    if (settings.artifacts === undefined) {
      currentKept = 'no compaction.artifacts store to keep them in';
    } else {
      // One at a time, each stored once: the copy made for one result is the next one's start.
      for (const { contentIndex, partIndex } of results) {
        const content = out[contentIndex] as Content;
        const before = estimate([content]);
        out[contentIndex] = clearResponseParts(content, [partIndex], clearing);
        tokens += estimate([out[contentIndex] as Content]) - before;
        clearedCurrent++;
        if (tokens <= budget) break;
      }
    }
  }
  // Stored before any request names them (an asynchronous store: a database).
  await writes.settle();
  return {
    contents: clearedCurrent === 0 ? pruned : out,
    tokens,
    clearedOld,
    clearedCurrent,
    pruned: prunedCount,
    currentKept,
  };
}

/**
 * Where the step being answered starts: after the last model content (its function responses,
 * and any steer or re-ask note after them). Everything before it is older steps.
 */
function activeStepStart(contents: readonly Content[]): number {
  let start = contents.length;
  while (start > 0 && contents[start - 1]?.role !== 'model') start--;
  return start;
}

/** The results of the step being answered that hold something, biggest first. */
function currentResults(
  contents: readonly Content[],
  from: number,
): { contentIndex: number; partIndex: number; tokens: number }[] {
  const results: { contentIndex: number; partIndex: number; tokens: number }[] = [];
  for (let contentIndex = from; contentIndex < contents.length; contentIndex++) {
    const parts = contents[contentIndex]?.parts ?? [];
    for (let partIndex = 0; partIndex < parts.length; partIndex++) {
      const part = parts[partIndex] as Part;
      const response = part.functionResponse;
      if (response === undefined || isClearedResponse(response)) continue;
      const tokens = estimateContentTokens([{ role: 'user', parts: [part] }]);
      results.push({ contentIndex, partIndex, tokens });
    }
  }
  return results.sort((a, b) => b.tokens - a.tokens);
}

/**
 * What is left of a history that does not fit, in words, biggest first (at most `limit`
 * contents), then the fixed part and why the current step's results were kept: what the
 * `ContextWindowError` names.
 * @internal
 */
export function describeUncut(
  contents: readonly Content[],
  fixedTokens: number,
  currentKept: string | undefined,
  limit = 3,
): string[] {
  const sizes = contents.map((content, index) => ({
    index,
    tokens: estimateContentTokens([content]),
    what: describeContent(content),
  }));
  sizes.sort((a, b) => b.tokens - a.tokens);
  const uncut = sizes
    .slice(0, limit)
    .map(
      ({ index, tokens, what }) =>
        `content ${index} of ${contents.length} (${what}): about ${tokens} tokens`,
    );
  if (fixedTokens > 0) {
    uncut.push(`the system instruction, tools and cached contents: about ${fixedTokens} tokens`);
  }
  if (currentKept !== undefined) uncut.push(`the current step's results were kept: ${currentKept}`);
  return uncut;
}

function describeContent(content: Content): string {
  const kinds = new Set<string>();
  for (const part of content.parts ?? []) {
    if (part.functionResponse !== undefined) {
      kinds.add(
        isClearedResponse(part.functionResponse)
          ? 'cleared results'
          : `results of ${part.functionResponse.name}`,
      );
    } else if (part.functionCall !== undefined) kinds.add(`calls of ${part.functionCall.name}`);
    else if (part.thought === true) kinds.add('thoughts');
    else if (typeof part.text === 'string') kinds.add('text');
    else if (part.inlineData !== undefined || part.fileData !== undefined) kinds.add('media');
    else kinds.add('other parts');
  }
  return `${content.role ?? 'user'}: ${[...kinds].slice(0, 3).join(', ') || 'no parts'}`;
}
