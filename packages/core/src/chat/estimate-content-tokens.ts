import type { Content } from '../wire/content.ts';

/**
 * Tokens counted for one image, document or other media part: Gemini's flat rate for an image
 * (258). Larger media cost more, so an estimate over media-heavy history runs low.
 */
export const MEDIA_PART_TOKENS = 258;

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
// Inside these, keys are content too (argument and result field names).
const freeFormKeys: ReadonlySet<string> = new Set(['args', 'response']);

/**
 * A cheap, deterministic estimate of the tokens of `contents`: one token per four characters of
 * text, function names, arguments and results (keys included), and {@link MEDIA_PART_TOKENS} per
 * media part. Walks the values without serialising them. Thought signatures are not counted.
 * @internal
 */
export function estimateContentTokens(contents: readonly Content[]): number {
  const counter = { characters: 0, media: 0 };
  for (const content of contents) countValue(content?.parts, counter, 0, false);
  return Math.ceil(counter.characters / 4) + counter.media * MEDIA_PART_TOKENS;
}

function countValue(
  value: unknown,
  counter: { characters: number; media: number },
  depth: number,
  countKeys: boolean,
): void {
  // Deep or cyclic garbage must not blow the stack: an estimate may stop short.
  if (depth > 64) return;
  if (typeof value === 'string') {
    counter.characters += value.length;
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
