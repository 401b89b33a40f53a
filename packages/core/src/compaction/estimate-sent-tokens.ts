import { estimateContentTokens } from '../history/estimate-tokens.ts';
import type { Content } from '../wire/content.ts';

/**
 * The estimated tokens of `contents`, each content estimated once per run: `estimates` keeps
 * them by content object, and a run never changes a content it holds (it appends, and a
 * compaction makes copies), so a step estimates only what was added since the last one. This is
 * the compaction decision's whole cost on a step that does not compact (the bench's "decision
 * CPU"); walking the whole history every step cost 1.4% of a 300-step run's client CPU.
 * @internal
 */
export function estimateSentTokens(
  contents: readonly Content[],
  estimates: WeakMap<Content, number>,
): number {
  let tokens = 0;
  for (const content of contents) {
    let estimate = estimates.get(content);
    if (estimate === undefined) {
      estimate = estimateContentTokens([content]);
      estimates.set(content, estimate);
    }
    tokens += estimate;
  }
  return tokens;
}
