/**
 * A JSON string escape Postgres's `jsonb` refuses: `\u0000` (no Postgres text holds a NUL:
 * "unsupported Unicode escape sequence") or a lone UTF-16 surrogate, `\ud800`-`\udfff` (which
 * `JSON.stringify` writes as such an escape; a paired one it writes as the character itself). The
 * escape counts only after an even run of backslashes: `\\u0000` is a backslash and text.
 */
const JSONB_REFUSED_ESCAPE = /(?<!\\)(?:\\\\)*\\u(?:0000|d[89a-f][0-9a-f]{2})/i;

/**
 * Whether `jsonb` can hold this output of `JSON.stringify`. Text from a model, a tool or a person
 * (a pasted message, a denial's reason) may hold a NUL or half an emoji, which Postgres refuses in
 * a `jsonb` column with a bare `DatabaseError`. Checked before the statement, not by catching
 * Postgres's error: a write stays one statement. @internal
 */
export function jsonbCanHold(json: string): boolean {
  return !JSONB_REFUSED_ESCAPE.test(json);
}
