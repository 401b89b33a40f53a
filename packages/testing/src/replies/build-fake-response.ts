import type { Candidate, GenerateContentResponse, Part, UsageMetadata } from '@gemloop/core/wire';
import { estimatePartTokens } from './estimate-usage.ts';
import { isPlainText, type ResolvedTurn, totalOf } from './resolve-fake-turn.ts';

type TurnOf = Extract<ResolvedTurn, { kind: 'turn' }>;

/**
 * The `generateContent` response for a resolved turn. Folding the chunks of
 * {@link buildFakeStreamChunks} for the same turn gives exactly this object.
 * @internal
 */
export function buildFakeResponse(resolved: ResolvedTurn): GenerateContentResponse {
  if (resolved.kind === 'raw') return resolved.chunks[resolved.chunks.length - 1] ?? {};
  const response: GenerateContentResponse = {};
  if (resolved.variant !== 'no-candidates') {
    const candidate = candidateShell(contentOf(resolved, resolved.parts));
    finishCandidate(candidate, resolved);
    if (resolved.turn.groundingMetadata !== undefined) {
      candidate.groundingMetadata = resolved.turn.groundingMetadata;
    }
    if (resolved.turn.urlContextMetadata !== undefined) {
      candidate.urlContextMetadata = resolved.turn.urlContextMetadata;
    }
    response.candidates = [candidate];
  }
  if (resolved.turn.promptFeedback !== undefined) {
    response.promptFeedback = resolved.turn.promptFeedback;
  }
  response.usageMetadata = resolved.usage;
  response.modelVersion = resolved.modelVersion;
  response.responseId = resolved.responseId;
  return response;
}

/**
 * The `streamGenerateContent` chunks for a resolved turn, shaped like recorded Gemini streams:
 * text split into `chunkSize`-character deltas, function calls whole in one chunk, cumulative
 * `usageMetadata` on every chunk, `finishReason` only on the last; in Gemini 3 mode a final
 * `{text: ""}` chunk that carries the text signature and the finish reason; `groundingMetadata`
 * `{}` on every chunk and whole on the last; `urlContextMetadata` and `promptFeedback` on the first.
 * @internal
 */
export function buildFakeStreamChunks(
  resolved: ResolvedTurn,
  chunkSize: number,
): GenerateContentResponse[] {
  if (resolved.kind === 'raw') return resolved.chunks;
  if (resolved.variant !== 'parts' || resolved.parts === undefined) {
    return [buildFakeResponse(resolved)];
  }
  const deltas = splitIntoDeltas(resolved, chunkSize);
  if (resolved.gemini3 || deltas.length === 0) {
    // Gemini 3 ends every stream with an empty text part (signed when the answer is text).
    const last = resolved.parts[resolved.parts.length - 1];
    const final: Part = { text: '' };
    if (last !== undefined && isPlainText(last) && last.thoughtSignature !== undefined) {
      final.thoughtSignature = last.thoughtSignature;
    }
    deltas.push([final]);
  }
  const totalUnits = deltas.reduce((sum, parts) => sum + estimatePartTokens(parts).candidates, 0);
  const finalCandidates = resolved.usage.candidatesTokenCount;
  let units = 0;
  return deltas.map((parts, index) => {
    const isFirst = index === 0;
    const isLast = index === deltas.length - 1;
    units += estimatePartTokens(parts).candidates;
    const candidate = candidateShell({ parts, role: 'model' });
    if (isLast) finishCandidate(candidate, resolved);
    const grounding = resolved.turn.groundingMetadata;
    if (grounding !== undefined) candidate.groundingMetadata = isLast ? grounding : {};
    if (isFirst && resolved.turn.urlContextMetadata !== undefined) {
      candidate.urlContextMetadata = resolved.turn.urlContextMetadata;
    }
    const chunk: GenerateContentResponse = { candidates: [candidate] };
    if (isFirst && resolved.turn.promptFeedback !== undefined) {
      chunk.promptFeedback = resolved.turn.promptFeedback;
    }
    chunk.usageMetadata = isLast
      ? resolved.usage
      : partialUsage(resolved.usage, finalCandidates, units, totalUnits);
    chunk.modelVersion = resolved.modelVersion;
    chunk.responseId = resolved.responseId;
    return chunk;
  });
}

function splitIntoDeltas(resolved: TurnOf, chunkSize: number): Part[][] {
  const parts = resolved.parts ?? [];
  const deltas: Part[][] = [];
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index] as Part;
    if (isPlainText(part)) {
      const isLast = index === parts.length - 1;
      // Gemini 3 sends the signature of a closing text part on the final empty chunk.
      const signatureFirst = resolved.gemini3 && isLast ? undefined : part.thoughtSignature;
      const pieces = splitText(part.text ?? '', chunkSize);
      pieces.forEach((text, pieceIndex) => {
        const delta: Part = { text };
        if (part.thought === true) delta.thought = true;
        if (pieceIndex === 0 && signatureFirst !== undefined)
          delta.thoughtSignature = signatureFirst;
        deltas.push([delta]);
      });
    } else if (part.functionCall !== undefined) {
      // Parallel calls arrive together, whole, in one chunk.
      const previous = deltas[deltas.length - 1];
      const previousPart = parts[index - 1];
      if (previous !== undefined && previousPart?.functionCall !== undefined) previous.push(part);
      else deltas.push([part]);
    } else {
      deltas.push([part]);
    }
  }
  return deltas;
}

/**
 * Splits text into pieces of about `size` characters, never inside a surrogate pair.
 * @internal
 */
export function splitText(text: string, size: number): string[] {
  if (text.length <= size) return [text];
  const pieces: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(start + size, text.length);
    const code = text.charCodeAt(end - 1);
    // Keep a surrogate pair together (a one-character chunk then carries both halves).
    if (end < text.length && code >= 0xd800 && code <= 0xdbff)
      end = end - 1 > start ? end - 1 : end + 1;
    pieces.push(text.slice(start, end));
    start = end;
  }
  return pieces;
}

function candidateShell(content: Candidate['content']): Candidate {
  // `index: 0` on every chunk, as recorded Gemini 2.5/3 streams have it.
  return { content, index: 0 };
}

function finishCandidate(candidate: Candidate, resolved: TurnOf): void {
  candidate.finishReason = resolved.finishReason;
  if (resolved.finishMessage !== undefined) candidate.finishMessage = resolved.finishMessage;
  if (resolved.turn.safetyRatings !== undefined)
    candidate.safetyRatings = resolved.turn.safetyRatings;
  if (resolved.turn.citationMetadata !== undefined) {
    candidate.citationMetadata = resolved.turn.citationMetadata;
  }
}

function contentOf(resolved: TurnOf, parts: Part[] | undefined): Candidate['content'] {
  if (resolved.variant === 'empty-content') return {};
  if (resolved.variant === 'no-parts' || parts === undefined) return { role: 'model' };
  return { parts, role: 'model' };
}

function partialUsage(
  usage: UsageMetadata,
  finalCandidates: number | undefined,
  units: number,
  totalUnits: number,
): UsageMetadata {
  if (finalCandidates === undefined) return usage;
  const candidatesTokenCount =
    totalUnits === 0
      ? 0
      : Math.min(finalCandidates, Math.round((finalCandidates * units) / totalUnits));
  const partial: UsageMetadata = { ...usage, candidatesTokenCount };
  // Recorded streams leave the count out until answer tokens exist (thought-only chunks).
  if (candidatesTokenCount === 0) delete partial.candidatesTokenCount;
  partial.totalTokenCount = totalOf(partial);
  return partial;
}
