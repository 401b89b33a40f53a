import type { Content, Part } from '../wire/content.ts';

/**
 * Drops the thought parts (`thought: true`, the thought summaries of `includeThoughts`) of model
 * contents before `end`. A part that carries a `thoughtSignature` is never dropped: its text is
 * emptied and the signature stays on it, where it came ("pass it back exactly as received",
 * https://ai.google.dev/gemini-api/docs/thought-signatures; Gemini 3 itself sends signature-only
 * parts with `text: ""`, wire reference section 6). Function-call parts, which hold the
 * signatures Gemini checks, are never touched. A content left with no part is kept as it was.
 *
 * Returns the same array when nothing changed; unchanged contents are the same objects.
 * @internal
 */
export function pruneThoughts(
  contents: readonly Content[],
  end: number,
): { contents: readonly Content[]; pruned: number } {
  let out: Content[] | undefined;
  let pruned = 0;
  const last = Math.min(end, contents.length);
  for (let index = 0; index < last; index++) {
    const content = contents[index];
    if (content?.role !== 'model' || !Array.isArray(content.parts)) continue;
    if (!content.parts.some((part) => isPrunable(part))) continue;
    const parts: Part[] = [];
    let count = 0;
    for (const part of content.parts) {
      if (!isPrunable(part)) {
        parts.push(part);
      } else if (part.thoughtSignature !== undefined) {
        parts.push({ text: '', thought: true, thoughtSignature: part.thoughtSignature });
        count++;
      } else {
        count++;
      }
    }
    if (parts.length === 0) continue;
    out ??= [...contents];
    out[index] = { ...content, parts };
    pruned += count;
  }
  return { contents: out ?? contents, pruned };
}

/** A thought part with text left to drop. */
function isPrunable(part: Part): boolean {
  return part.thought === true && typeof part.text === 'string' && part.text !== '';
}
