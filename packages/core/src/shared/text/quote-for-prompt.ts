/**
 * `json` (JSON text) with every `<` written `\u003c`: put inside a prompt's `<tag>…</tag>` block,
 * nothing in it can close the block or open another, and a JSON string never holds a raw line
 * break (nor a Unicode one), so nothing in it can start a line of its own either. For what a model, a tool or a user
 * wrote that another model must read as data, never as the prompt's own words (the summarizer's
 * transcript, an eval judge's answer, a simulated user's conversation). @internal
 */
export function escapeJsonForPrompt(json: string): string {
  // JSON.stringify escapes \n and \r but writes U+0085, U+2028 and U+2029 as they are: each is a
  // line break to Unicode (and to a model's text), so a value holding one could still start a
  // line of its own. Escaped, the JSON reads back the same.
  return json.replace(/[<\u0085\u2028\u2029]/g, (character) =>
    character === '<' ? '\\u003c' : `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** `text` as a JSON string literal escaped by {@link escapeJsonForPrompt}. @internal */
export function quoteForPrompt(text: string): string {
  return escapeJsonForPrompt(JSON.stringify(text));
}
