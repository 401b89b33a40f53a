import type { Content } from '../../wire/content.ts';
import { SKIP_THOUGHT_SIGNATURE_VALIDATOR } from './thought-signature-bypass.ts';

/**
 * A model's own function-call turn, ready to append to the history of a model that requires
 * thought signatures (Gemini 3): itself, untouched, in every normal case. Only when its first
 * `functionCall` has no signature, which the API never does but a gateway that strips unknown
 * fields would, a copy whose first call carries the documented dummy signature: sent back
 * unsigned, the next request would fail with 400 "missing a thought_signature".
 * @internal
 */
export function fillModelTurnSignature(content: Content): Content {
  const { parts: contentParts } = content;
  let index = 0;
  while (index < contentParts.length && contentParts[index]?.functionCall == null) index++;
  if (index === contentParts.length) return content;
  const first = content.parts[index] as Content['parts'][number];
  // Either spelling counts: adding `thoughtSignature` beside a `thought_signature` would send
  // the proto field twice, which the API refuses.
  if (first.thoughtSignature || (first as { thought_signature?: unknown }).thought_signature)
    return content;
  const parts = content.parts.slice();
  parts[index] = { ...first, thoughtSignature: SKIP_THOUGHT_SIGNATURE_VALIDATOR };
  return { ...content, parts };
}
