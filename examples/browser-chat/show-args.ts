// Bidi overrides, embeddings, isolates and marks (U+200E, U+200F, U+202A-U+202E, U+2066-U+2069).
const BIDI_CONTROLS = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * A tool call's arguments as the example pages show them: JSON, with every bidi control written
 * as its escape (`\u202e`). JSON.stringify leaves them as they are, and a model's override in an
 * argument turns what follows it around on the screen (`\u202emoc.live@kcam` reads `mack@evil.com`,
 * an address the call does not send to). Shown to a person who approves the call, the arguments
 * must read as the tool gets them.
 */
export function showArgs(args: unknown): string {
  return (JSON.stringify(args ?? {}) ?? '{}').replace(
    BIDI_CONTROLS,
    (control) => `\\u${control.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
