import { isJsonObject } from '../history/part-fields.ts';

/**
 * Cheap, deterministic token estimates for the fake's `usageMetadata` and `countTokens`: about
 * one token per four characters of text (the ratio Google documents for Gemini), 258 tokens per
 * image or document part (Gemini's flat rate for an image). Walks the values, never serialises
 * them, so the cost stays a fraction of the JSON parse that came before.
 * @internal
 */

/** Tokens of a media part (an image counts 258 tokens). @internal */
export const MEDIA_PART_TOKENS = 258;

/** What a request or an answer holds, counted. @internal */
export type TokenEstimate = { text: number; media: number };

/** Tokens of `characters` characters of text. @internal */
export function tokensOfCharacters(characters: number): number {
  return characters === 0 ? 0 : Math.max(1, Math.round(characters / 4));
}

/**
 * The prompt of a `generateContent` body: system instruction, contents and tool declarations.
 * @internal
 */
export function estimatePromptTokens(body: unknown): TokenEstimate {
  const counter: Counter = { characters: 0, media: 0 };
  if (isJsonObject(body)) {
    countValue(body['systemInstruction'] ?? body['system_instruction'], counter, 0);
    countValue(body['contents'], counter, 0);
    countValue(body['tools'], counter, 0);
  }
  return { text: tokensOfCharacters(counter.characters), media: counter.media * MEDIA_PART_TOKENS };
}

/** The answer and thought tokens of a list of output parts. @internal */
export function estimatePartTokens(parts: readonly unknown[] | undefined): {
  candidates: number;
  thoughts: number;
} {
  const answer: Counter = { characters: 0, media: 0 };
  const thought: Counter = { characters: 0, media: 0 };
  for (const part of parts ?? []) {
    if (!isJsonObject(part)) continue;
    const target = part['thought'] === true ? thought : answer;
    countValue(part, target, 0);
  }
  return {
    candidates: tokensOfCharacters(answer.characters) + answer.media * MEDIA_PART_TOKENS,
    thoughts: tokensOfCharacters(thought.characters),
  };
}

const mediaKeys = new Set(['inlineData', 'inline_data', 'fileData', 'file_data']);
const skippedKeys = new Set(['role', 'thought', 'thoughtSignature', 'thought_signature', 'id']);
// Inside these the keys are content (argument and schema property names), so they count too.
const freeFormKeys = new Set([
  'args',
  'response',
  'parameters',
  'parametersJsonSchema',
  'parameters_json_schema',
]);

type Counter = { characters: number; media: number };

function countValue(value: unknown, counter: Counter, depth: number, countKeys = false): void {
  // Deep or cyclic garbage must not blow the stack; the history checks reject it anyway.
  if (depth > 64) return;
  if (typeof value === 'string') {
    counter.characters += value.length;
  } else if (typeof value === 'number' || typeof value === 'boolean') {
    counter.characters += 2;
  } else if (Array.isArray(value)) {
    for (const item of value) countValue(item, counter, depth + 1, countKeys);
  } else if (isJsonObject(value)) {
    for (const key in value) {
      if (mediaKeys.has(key)) {
        counter.media++;
        continue;
      }
      if (!countKeys && skippedKeys.has(key)) continue;
      if (countKeys) counter.characters += key.length;
      countValue(value[key], counter, depth + 1, countKeys || freeFormKeys.has(key));
    }
  }
}
