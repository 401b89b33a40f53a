import { SKIP_THOUGHT_SIGNATURE_VALIDATOR } from '@gemloop/core/history';
import { OMITTED_OPAQUE_VALUE } from '@gemloop/core/recorder';
import type { EvalUnreproduced } from '../eval-result.ts';

/** How deep into a recorded answer the search goes (a hostile file may nest without end). */
const MAX_DEPTH = 64;
/** The most paths listed for one answer. */
const MAX_PATHS = 100;

/**
 * The paths of the values in a recorded model answer that the recorder shortened (thought
 * signatures and inline `data` past its limit, written as `"[N characters omitted]"`), as
 * `candidates[0].content.parts[1].thoughtSignature`: what a replay serves as a placeholder
 * instead of the model's bytes, so it cannot send them back as the model gave them. A
 * `fidelity: 'full'` recording has none (below its `maxOpaqueBytes`). @internal
 */
export function findOmitted(response: unknown): string[] {
  const paths: string[] = [];
  const walk = (value: unknown, path: string, key: string, depth: number): void => {
    if (paths.length >= MAX_PATHS || depth > MAX_DEPTH) return;
    if (typeof value === 'string') {
      if ((key === 'thoughtSignature' || key === 'data') && OMITTED_OPAQUE_VALUE.test(value))
        paths.push(path);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    if (Array.isArray(value)) {
      for (const [index, item] of value.entries()) walk(item, `${path}[${index}]`, key, depth + 1);
      return;
    }
    for (const [name, item] of Object.entries(value))
      walk(item, path === '' ? name : `${path}.${name}`, name, depth + 1);
  };
  walk(response, '', '', 0);
  return paths;
}

/**
 * The answers among the first `served` of `responses` (one run's, `run` naming it) that a replay
 * served with shortened values. @internal
 */
export function findUnreproduced(
  run: string,
  responses: readonly unknown[],
  served: number,
): EvalUnreproduced[] {
  const found: EvalUnreproduced[] = [];
  for (let call = 0; call < Math.min(served, responses.length); call++) {
    const omitted = findOmitted(responses[call]);
    if (omitted.length > 0) found.push({ run, call, omitted });
  }
  return found;
}

/**
 * A recorded answer as a replay serves it: each shortened thought signature replaced by the dummy
 * Google documents for a call whose real signature is not available
 * (`skip_thought_signature_validator`, https://ai.google.dev/gemini-api/docs/thought-signatures#faqs).
 * The placeholder itself is not base64, so the API (and the fake, which checks as it does)
 * refuses the next request with it: a default recording of a Gemini 3 run would not replay past
 * its first tool call. What was replaced is still listed by {@link findUnreproduced}. @internal
 */
export function servable<T>(response: T): T {
  if (findOmitted(response).length === 0) return response;
  const replace = (value: unknown, key: string, depth: number): unknown => {
    if (typeof value === 'string')
      return key === 'thoughtSignature' && OMITTED_OPAQUE_VALUE.test(value)
        ? SKIP_THOUGHT_SIGNATURE_VALIDATOR
        : value;
    if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return value;
    if (Array.isArray(value)) return value.map((item) => replace(item, key, depth + 1));
    return Object.fromEntries(
      Object.entries(value).map(([name, item]) => [name, replace(item, name, depth + 1)]),
    );
  };
  return replace(response, '', 0) as T;
}
