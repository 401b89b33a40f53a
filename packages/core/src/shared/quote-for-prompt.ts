/**
 * `json` (JSON text) with every `<` written `\u003c`: put inside a prompt's `<tag>…</tag>` block,
 * nothing in it can close the block or open another, and a JSON string never holds a raw line
 * break, so nothing in it can start a line of its own either. For what a model, a tool or a user
 * wrote that another model must read as data, never as the prompt's own words (the summarizer's
 * transcript, an eval judge's answer, a simulated user's conversation). @internal
 */
export function escapeJsonForPrompt(json: string): string {
  return json.replace(/</g, '\\u003c');
}

/** `text` as a JSON string literal escaped by {@link escapeJsonForPrompt}. @internal */
export function quoteForPrompt(text: string): string {
  return escapeJsonForPrompt(JSON.stringify(text));
}
