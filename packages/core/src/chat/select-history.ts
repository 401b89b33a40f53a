import { estimateContentTokens } from '../history/estimate-tokens.ts';
import type { Content } from '../wire/content.ts';
import type { ChatHistoryLimit } from './chat-history-limit.ts';
import type { ChatTurn } from './history-store.ts';

/** The history to send and what the limit dropped. @internal */
export type SelectedHistory = {
  contents: Content[];
  /** Stored turns sent. */
  sentTurns: number;
  /** Oldest stored turns left out. */
  droppedTurns: number;
  /** Tokens of the turns sent (measured or estimated); computed only with `maxTokens`. */
  tokens: number | undefined;
};

/**
 * The most characters of thought signatures a limited history sends again (about 4 MB). Neither
 * the usage nor the estimate counts a signature, and Google bounds one only by the request's size
 * (docs.cloud.google.com/vertex-ai/generative-ai/docs/thought-signatures, constraints): a model
 * signing each answer with 2 MB had every one sent again under `maxTokens: 1000` until each send
 * failed (attack64a). Google's own run from 0.3 to 5 KB in the recordings (the search tool's
 * 47 KB), so this is some thousand of them: a window of ordinary turns never meets it, and past
 * it the oldest whole turns go, those sent keeping every signature verbatim (not dropped from a
 * turn that stays: Google asks them all back, and says only a missing one of the current turn is
 * a 400). @internal
 */
export const MAX_HISTORY_SIGNATURE_CHARACTERS: number = 4 * 1024 * 1024;

// Estimates of turns without a stored count, cached per turn object: a memory store hands back
// the same objects on every send, so each is walked once. why (cache): a cache of a
// value computed from the turn object alone, not data passed between layers.
const estimates = new WeakMap<ChatTurn, number>();
// The characters of a turn's thought signatures, cached the same way.
const signatureWeights = new WeakMap<ChatTurn, number>();

/** The tokens of one stored turn. @internal */
export function turnTokens(turn: ChatTurn): number {
  const stored = turn.tokenCount;
  if (typeof stored === 'number' && Number.isFinite(stored) && stored >= 0) return stored;
  let estimate = estimates.get(turn);
  if (estimate === undefined) {
    estimate = estimateContentTokens(turn.contents);
    estimates.set(turn, estimate);
  }
  return estimate;
}

/**
 * The characters of one stored turn's thought signatures, which a limited history bounds apart
 * from its tokens ({@link MAX_HISTORY_SIGNATURE_CHARACTERS}). @internal
 */
export function turnSignatureCharacters(turn: ChatTurn): number {
  let characters = signatureWeights.get(turn);
  if (characters === undefined) {
    characters = signatureCharacters(turn.contents);
    signatureWeights.set(turn, characters);
  }
  return characters;
}

/** The characters of the thought signatures on the parts of `contents` (either spelling). */
function signatureCharacters(contents: unknown): number {
  let characters = 0;
  if (!Array.isArray(contents)) return characters;
  for (const content of contents) {
    const parts: unknown = (content as Content | null)?.parts;
    if (!Array.isArray(parts)) continue;
    for (const part of parts) {
      if (typeof part !== 'object' || part === null) continue;
      const record = part as Record<string, unknown>;
      for (const signature of [record['thoughtSignature'], record['thought_signature']]) {
        if (typeof signature === 'string') characters += signature.length;
      }
    }
  }
  return characters;
}

/**
 * Picks the newest stored turns that fit `limit`, whole, and flattens them into the history sent
 * before a message of `messageTokens` tokens. `turns` may be the newest stored turns only, after
 * `olderTurns` others (`HistoryStore.loadRecent`): enough of them for the limit, so the result is
 * the same as on every turn, and `droppedTurns` counts the older ones too.
 *
 * The history may only start where a user message starts: a turn whose first content is a user
 * content without function responses. A stored turn that starts otherwise (a hand-made or foreign
 * store) is kept or dropped together with the turn before it, so a model turn or a response is
 * never first and a call is never separated from its response. Without a limit (or one every turn
 * fits in by count alone) the stored history is sent as it is.
 * @internal
 */
export function selectHistory(
  turns: readonly ChatTurn[],
  limit: ChatHistoryLimit | undefined,
  messageTokens: number,
  olderTurns = 0,
): SelectedHistory {
  const maxTurns = limit?.maxTurns ?? Number.POSITIVE_INFINITY;
  const maxTokens = limit?.maxTokens;
  let start = turns.length;
  let tokens = maxTokens === undefined ? 0 : messageTokens;
  let signatureCharacters = 0;
  // (Sent as they are only when they are every stored turn: the oldest of a tail may be glued to
  // a turn before it, which the loop below leaves out.)
  if (maxTokens === undefined && maxTurns >= turns.length && olderTurns === 0) {
    start = 0;
  } else {
    // Whole units (a turn that may start the history, with any turns glued after it), newest first.
    let unitEnd = turns.length;
    for (let index = turns.length - 1; index >= 0; index--) {
      const turn = turns[index] as ChatTurn;
      if (!startsWithUserMessage(turn)) {
        // Glued to the turn before; with none before, the stored history itself starts badly
        // and a limited history leaves it out.
        if (index > 0) continue;
        break;
      }
      let unitTokens = 0;
      let unitSignatures = 0;
      for (let member = index; member < unitEnd; member++) {
        if (maxTokens !== undefined) unitTokens += turnTokens(turns[member] as ChatTurn);
        unitSignatures += turnSignatureCharacters(turns[member] as ChatTurn);
      }
      if (turns.length - index > maxTurns) break;
      if (maxTokens !== undefined && tokens + unitTokens > maxTokens) break;
      if (signatureCharacters + unitSignatures > MAX_HISTORY_SIGNATURE_CHARACTERS) break;
      tokens += unitTokens;
      signatureCharacters += unitSignatures;
      start = index;
      unitEnd = index;
    }
  }
  let count = 0;
  for (let index = start; index < turns.length; index++) {
    count += (turns[index] as ChatTurn).contents.length;
  }
  const contents: Content[] = new Array(count);
  let next = 0;
  for (let index = start; index < turns.length; index++) {
    const turnContents = (turns[index] as ChatTurn).contents;
    for (let position = 0; position < turnContents.length; position++) {
      contents[next++] = turnContents[position] as Content;
    }
  }
  return {
    contents,
    sentTurns: turns.length - start,
    droppedTurns: olderTurns + start,
    tokens: maxTokens === undefined ? undefined : tokens,
  };
}

/** Whether a turn opens with a user message: the only place a sent history may start. */
export function startsWithUserMessage(turn: ChatTurn): boolean {
  const first = turn.contents[0] as Content | undefined;
  if (first === undefined || (first.role !== undefined && first.role !== 'user')) return false;
  const parts: unknown = first.parts;
  if (!Array.isArray(parts) || parts.length === 0) return false;
  for (const part of parts) {
    if (typeof part !== 'object' || part === null) return false;
    const record = part as Record<string, unknown>;
    if (record['functionResponse'] != null || record['function_response'] != null) return false;
  }
  return true;
}
