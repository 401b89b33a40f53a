import type { TokenEstimate } from '@gemloop/core/internal';
import type { GenerateContentResponse, Part, UsageMetadata } from '@gemloop/core/wire';
import { issueFakeSignature } from '../contract/fake-signatures.ts';
import type { FakeTurn } from '../script/fake-turn.ts';
import { randomBase36, randomBase64Url, type SeededRandom } from '../state/seeded-random.ts';
import { estimatePartTokens } from './estimate-usage.ts';

/** What resolving a turn needs to know about the request and the fake. @internal */
export type TurnContext = {
  model: string;
  modelVersion: string;
  gemini3: boolean;
  callIds: boolean;
  prompt: TokenEstimate;
  random: SeededRandom;
};

/** A turn with everything the real API would add filled in. @internal */
export type ResolvedTurn =
  | { kind: 'raw'; chunks: GenerateContentResponse[] }
  | {
      kind: 'turn';
      turn: FakeTurn;
      parts: Part[] | undefined;
      variant: NonNullable<FakeTurn['variant']>;
      finishReason: string;
      finishMessage: string | undefined;
      usage: UsageMetadata;
      modelVersion: string;
      responseId: string;
      gemini3: boolean;
    };

const FUNCTION_CALL_MESSAGE = 'Model generated function call(s).';

/**
 * Fills in a {@link FakeTurn}: copies its parts (the script's objects are never changed), merges
 * adjacent text parts the way a folded stream would, adds function-call ids and Gemini 3
 * signatures, the default finish reason and message, and the usage numbers.
 * @internal
 */
export function resolveFakeTurn(turn: FakeTurn, context: TurnContext): ResolvedTurn {
  if (turn.raw !== undefined) {
    return { kind: 'raw', chunks: Array.isArray(turn.raw) ? turn.raw : [turn.raw] };
  }
  const variant = turn.variant ?? (turn.parts === undefined ? 'no-parts' : 'parts');
  const parts = variant === 'parts' ? prepareParts(turn, context) : undefined;
  const hasCalls = parts?.some((part) => part.functionCall !== undefined) ?? false;
  const finishReason = turn.finishReason ?? 'STOP';
  const finishMessage =
    turn.finishMessage ?? (hasCalls && finishReason === 'STOP' ? FUNCTION_CALL_MESSAGE : undefined);
  return {
    kind: 'turn',
    turn,
    parts,
    variant,
    finishReason,
    finishMessage,
    usage: computeUsage(turn, parts, variant, context),
    modelVersion: turn.modelVersion ?? context.modelVersion,
    responseId: randomBase64Url(context.random, 23),
    gemini3: context.gemini3,
  };
}

function prepareParts(turn: FakeTurn, context: TurnContext): Part[] {
  const parts: Part[] = [];
  const unsigned = new Set<Part>();
  for (const source of turn.parts ?? []) {
    const part: Part & Record<string, unknown> = { ...source };
    if ((part as { thoughtSignature?: unknown }).thoughtSignature === null) {
      delete part.thoughtSignature;
      unsigned.add(part);
    }
    if (part.functionCall !== undefined) {
      const call = { ...part.functionCall } as Record<string, unknown>;
      if (call['id'] === null) delete call['id'];
      else if (call['id'] === undefined && (turn.callIds ?? context.callIds)) {
        call['id'] = randomBase36(context.random, 8);
      }
      part.functionCall = call as Part['functionCall'];
    }
    if (isPlainText(part) && part.text === '' && part.thoughtSignature === undefined) continue;
    const previous = parts[parts.length - 1];
    if (previous !== undefined && mergeText(previous, part)) {
      // A text written unsigned keeps the text it joins unsigned: the auto signature goes on
      // the last text, and that was the one the script said to leave without.
      if (unsigned.has(part)) unsigned.add(previous);
      continue;
    }
    parts.push(part);
  }
  if ((turn.signatures ?? 'auto') === 'auto' && context.gemini3) {
    const target =
      parts.find((part) => part.functionCall !== undefined) ??
      parts.findLast((part) => isPlainText(part) && part.thought !== true);
    if (target !== undefined && target.thoughtSignature === undefined && !unsigned.has(target)) {
      target.thoughtSignature = issueFakeSignature(context.random, context.model);
    }
  }
  return parts;
}

/** Merges `next` into `previous` when a folded stream would have: same rules as foldStream. */
function mergeText(previous: Part, next: Part): boolean {
  if (!isPlainText(previous) || !isPlainText(next)) return false;
  if ((previous.thought === true) !== (next.thought === true)) return false;
  const signature = next.thoughtSignature;
  if (signature !== undefined && previous.thoughtSignature !== undefined) {
    if (signature !== previous.thoughtSignature) return false;
  }
  previous.text = (previous.text ?? '') + (next.text ?? '');
  if (signature !== undefined) previous.thoughtSignature = signature;
  return true;
}

const plainTextKeys = new Set(['text', 'thought', 'thoughtSignature']);

/** A text part with nothing a merge could lose. @internal */
export function isPlainText(part: Part): boolean {
  if (typeof part.text !== 'string') return false;
  for (const key in part) if (!plainTextKeys.has(key)) return false;
  return true;
}

function computeUsage(
  turn: FakeTurn,
  parts: Part[] | undefined,
  variant: NonNullable<FakeTurn['variant']>,
  context: TurnContext,
): UsageMetadata {
  const promptTokenCount = context.prompt.text + context.prompt.media;
  const output = estimatePartTokens(parts);
  const usage: UsageMetadata = { promptTokenCount };
  if (variant !== 'no-candidates') {
    if (output.candidates > 0) usage.candidatesTokenCount = output.candidates;
    // Gemini 3 always thinks a little; the count is reported even when no thoughts are returned.
    const thoughts = output.thoughts + (context.gemini3 ? 24 : 0);
    if (thoughts > 0) usage.thoughtsTokenCount = thoughts;
  }
  usage.promptTokensDetails = [{ modality: 'TEXT', tokenCount: context.prompt.text }];
  if (context.prompt.media > 0) {
    usage.promptTokensDetails.push({ modality: 'IMAGE', tokenCount: context.prompt.media });
  }
  Object.assign(usage, turn.usage);
  if (turn.usage?.totalTokenCount === undefined) usage.totalTokenCount = totalOf(usage);
  return usage;
}

/** prompt + candidates + tool-use prompt + thoughts, as the API sums them. @internal */
export function totalOf(usage: UsageMetadata): number {
  return (
    (usage.promptTokenCount ?? 0) +
    (usage.candidatesTokenCount ?? 0) +
    (usage.toolUsePromptTokenCount ?? 0) +
    (usage.thoughtsTokenCount ?? 0)
  );
}
