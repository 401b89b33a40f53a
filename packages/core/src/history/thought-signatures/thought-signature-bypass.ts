/**
 * The dummy thought signature Google documents for replaying a `functionCall` whose real signature
 * is not available (history from another model or vendor, hand-built, or lost). Send it as the
 * literal string, only on the first `functionCall` of a model turn in the active loop, only when
 * there is no real signature.
 *
 * @see https://ai.google.dev/gemini-api/docs/thought-signatures#faqs
 */
export const SKIP_THOUGHT_SIGNATURE_VALIDATOR = 'skip_thought_signature_validator';

/**
 * The second dummy value the thought-signature docs list (Vertex docs; used by some proxies).
 * gemloop sends {@link SKIP_THOUGHT_SIGNATURE_VALIDATOR}; this one is only recognised.
 */
export const CONTEXT_ENGINEERING_THOUGHT_SIGNATURE = 'context_engineering_is_the_way_to_go';

// The API also accepted the base64 of the sentinel (pydantic-ai sends it that way; recorded 200 on
// gemini-3-flash-preview, fixture requests/gemini3-flash__foreign-history-base64-sentinel-signature).
const bypassValues: ReadonlySet<string> = new Set([
  SKIP_THOUGHT_SIGNATURE_VALIDATOR,
  CONTEXT_ENGINEERING_THOUGHT_SIGNATURE,
  toBase64(SKIP_THOUGHT_SIGNATURE_VALIDATOR),
  toBase64(SKIP_THOUGHT_SIGNATURE_VALIDATOR).replace(/=+$/, ''),
  toBase64(CONTEXT_ENGINEERING_THOUGHT_SIGNATURE),
]);

/**
 * Whether `signature` is one of the documented dummy values (literal, or base64 of the literal)
 * that tell the API to skip signature validation for that part.
 */
export function isThoughtSignatureBypass(signature: unknown): boolean {
  return typeof signature === 'string' && bypassValues.has(signature);
}

function toBase64(text: string): string {
  let binary = '';
  for (const code of new TextEncoder().encode(text)) binary += String.fromCharCode(code);
  return btoa(binary);
}
