import { estimateTokens } from '../history/estimate-tokens.ts';
import type { Content, FunctionResponse, Part } from '../wire/content.ts';
import type { ArtifactStore, ArtifactWrites } from './artifact-store.ts';

/**
 * The key of the placeholder a cleared function response holds instead of its result:
 * `{ "gemloopCleared": "[gemloop: result of search cleared ...]" }`. The call, its `id` and the
 * response's `name` and `id` stay, so the call/response pairing Gemini checks is untouched.
 */
export const CLEARED_RESULT_KEY = 'gemloopCleared';

/**
 * The content each cleared copy was made from, through every clearing before it: what the model
 * saw. Weak, so it lives as long as the copy (a run's compacted prefix, a chat session's view),
 * and per process: a durable run replayed elsewhere clears again on the way, and fills it again.
 */
// No signature can carry it: a chat session hands its compacted view to the next send as plain
// history contents, so what a copy was made from has to travel with the copy itself.
// why (kept): keyed by the cleared copy, which travels as plain history; see the reason above.
const clearedFrom = new WeakMap<Content, Content>();

/**
 * `content` as it was before any compaction cleared its tool results (itself when none did). The
 * summarizer reads these: a fact the model got from a result is in the summary even when the
 * result was cleared (by this compaction or an earlier one) before the summary was written.
 * @internal
 */
export function contentBeforeClearing(content: Content): Content {
  return clearedFrom.get(content) ?? content;
}

/** How {@link clearToolResults} clears. @internal */
export type ClearToolResultsSettings = {
  /** Contents from this index on are left as they are (the recent turns and the active step). */
  end: number;
  /** Results estimated under this many tokens are kept (clearing them saves little). */
  minTokens: number;
  /** Where the cleared result is kept, so the placeholder can say how to read it again. */
  artifacts: ArtifactStore | undefined;
  /** Where the put is started (the caller waits for it before sending the placeholder). */
  writes: ArtifactWrites;
  /** A fresh id for a kept result. */
  newId: () => string;
};

/**
 * Replaces the results of old function calls (contents before `end`) with a placeholder naming
 * the tool, what was removed and how to get it back (read it from the artifact store with the
 * `read_tool_output` tool, or call the tool again). Clears every old result at once, not one at a
 * time, so the history changes in one large step and the next compaction is far away (each
 * rewrite throws away Gemini's implicit cache hits from the first changed content on).
 *
 * Returns the same array when nothing changed; a changed content is a copy, the others are the
 * same objects (their bytes, and the run's serialised JSON of them, stay as they were).
 * @internal
 */
export function clearToolResults(
  contents: readonly Content[],
  settings: ClearToolResultsSettings,
): { contents: readonly Content[]; cleared: number } {
  let out: Content[] | undefined;
  let cleared = 0;
  const end = Math.min(settings.end, contents.length);
  for (let index = 0; index < end; index++) {
    const content = contents[index];
    if (content?.role !== 'user' || !Array.isArray(content.parts)) continue;
    const partIndexes: number[] = [];
    for (let partIndex = 0; partIndex < content.parts.length; partIndex++) {
      const response = content.parts[partIndex]?.functionResponse;
      if (response !== undefined && worthClearing(response, settings.minTokens)) {
        partIndexes.push(partIndex);
      }
    }
    if (partIndexes.length > 0) {
      out ??= [...contents];
      out[index] = clearResponseParts(content, partIndexes, settings);
      cleared += partIndexes.length;
    }
  }
  return { contents: out ?? contents, cleared };
}

/**
 * A copy of `content` whose function responses at `partIndexes` hold the placeholder instead of
 * their result (kept in the artifact store when there is one). The copy remembers what it was
 * made from ({@link contentBeforeClearing}).
 * @internal
 */
export function clearResponseParts(
  content: Content,
  partIndexes: readonly number[],
  settings: Pick<ClearToolResultsSettings, 'artifacts' | 'writes' | 'newId'>,
): Content {
  const parts: Part[] = [...(content.parts ?? [])];
  for (const partIndex of partIndexes) {
    const part = parts[partIndex];
    if (part?.functionResponse === undefined) continue;
    parts[partIndex] = {
      ...part,
      functionResponse: clearedResponse(part.functionResponse, settings),
    };
  }
  const copy: Content = { ...content, parts };
  clearedFrom.set(copy, contentBeforeClearing(content));
  return copy;
}

/** Whether a function response is a placeholder already (nothing left to clear). @internal */
export function isClearedResponse(response: FunctionResponse): boolean {
  const value = response.response;
  return typeof value === 'object' && value !== null && CLEARED_RESULT_KEY in value;
}

function worthClearing(response: FunctionResponse, minTokens: number): boolean {
  const value = response.response;
  if (typeof value !== 'object' || value === null) return false;
  if (isClearedResponse(response)) return false;
  const { text, media } = estimateTokens(value);
  const parts = response.parts === undefined ? 0 : estimateTokens(response.parts).media;
  return text + media + parts >= minTokens;
}

function clearedResponse(
  response: FunctionResponse,
  settings: Pick<ClearToolResultsSettings, 'artifacts' | 'writes' | 'newId'>,
): FunctionResponse {
  const { text, media } = estimateTokens(response.response);
  const mediaParts = response.parts?.length ?? 0;
  let howBack = `call ${response.name} again if you need it`;
  if (settings.artifacts !== undefined) {
    const id = settings.newId();
    settings.writes.put(settings.artifacts, id, JSON.stringify(response.response) ?? '');
    howBack = `call read_tool_output with id "${id}" to read it again`;
  }
  const removed =
    mediaParts > 0
      ? `${text + media} tokens and ${mediaParts} media part(s)`
      : `${text + media} tokens`;
  const cleared: FunctionResponse = {
    name: response.name,
    response: {
      [CLEARED_RESULT_KEY]: `[gemloop: result of ${response.name} cleared to keep the context small (${removed}); ${howBack}]`,
    },
  };
  if (response.id !== undefined) cleared.id = response.id;
  if (response.willContinue !== undefined) cleared.willContinue = response.willContinue;
  if (response.scheduling !== undefined) cleared.scheduling = response.scheduling;
  return cleared;
}
