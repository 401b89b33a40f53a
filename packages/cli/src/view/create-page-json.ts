import {
  createSecretRedactor,
  redactKeyShapes,
  secretForms,
  withoutCutKey,
} from '@gemloop/core/internal';

/**
 * The shortest value of {@link createPageJson}'s secrets it redacts: they come from the viewer's
 * environment by name (`AUTH=true`, `MAX_TOKENS=8192`), and a shorter one would cut ordinary words
 * and numbers out of every page. Real keys and tokens are far longer (the core key rule's floor).
 */
const MIN_PAGE_SECRET_CHARS = 8;

/** The start of a Google key or OAuth token at a text's end (`redactKeyShapes` finds whole ones). */
const CUT_KEY_SHAPE = /(?:AIza[\w-]{0,34}|ya29\.[\w-]*)$/;

/**
 * An HTTP credential by the scheme before it, whoever's it is: a `Bearer` token of 16 characters
 * and more (RFC 6750's token68: letters, digits, `-._~+/`, trailing `=`), and a `Basic` one after
 * `Authorization:` (the word alone is prose: "Basic usage"). A run file's tool output may quote
 * a header (a gateway's echo, a config dump) with a token the shell never held, which the
 * shell's own credentials and the Google key shape did not cover (attack59c). A placeholder
 * (`Bearer <token>`) and a redacted one (`Bearer [redacted]`) have no such token and stay.
 */
const AUTH_HEADER_TOKEN = /(\bBearer\s+|\bAuthorization:\s*Basic\s+)[\w.~+/-]{16,}=*/gi;
/** The start of such a token at the end of a text the viewer cut (any length: the rest is gone). */
const CUT_AUTH_HEADER_TOKEN = /(\bBearer\s+|\bAuthorization:\s*Basic\s+)[\w.~+/-]+=*$/i;

/** `text` with every {@link AUTH_HEADER_TOKEN} token replaced, its scheme kept; itself when none. */
function redactAuthHeaderTokens(text: string): string {
  return /bearer|basic/i.test(text) ? text.replace(AUTH_HEADER_TOKEN, '$1[redacted]') : text;
}

/**
 * Makes the viewer's JSON writer: `JSON.stringify(value)` with every Google key and OAuth token (by
 * their shape, whoever's), every `Bearer` and `Authorization: Basic` token, and every one of `secrets` (with the encoded forms a server may quote
 * them in) replaced by `[redacted]` in each string and property name. A run file is bytes from
 * anywhere: one recorded by an older gemloop, a tool's output holding a token the recorder never
 * knew, a file copied from another machine. The recorder keeps its client's key out; this keeps
 * the keys of the shell running `gemloop view` off the page too.
 *
 * Strings are redacted, never the JSON text: a secret that is a run of digits would otherwise cut
 * a number in two and break the answer. The walk runs only when the plain JSON holds a secret
 * or a cut text that may end in one's start (one JSON escapes, a quote, a backslash, a control
 * character, always walks), so a page without secrets costs one scan. Throws as `JSON.stringify` throws (a line nested too
 * deep).
 */
export function createPageJson(secrets: readonly string[] = []): (value: unknown) => string {
  const kept = secrets.filter((secret) => secret.trim().length >= MIN_PAGE_SECRET_CHARS);
  const named = createSecretRedactor(kept);
  const forms = kept.flatMap((secret) => secretForms(secret.trim()));
  // A text the viewer cut (a list row's preview, a field past 500 characters) ends in `…`: a key
  // the cut went through left its start there, which no search for the whole key finds.
  const uncut = (text: string): string => {
    if (!text.endsWith('…')) return text;
    const start = withoutCutKey(text.slice(0, -1), forms)
      .replace(CUT_KEY_SHAPE, '[redacted]')
      .replace(CUT_AUTH_HEADER_TOKEN, '$1[redacted]');
    return `${start}…`;
  };
  const redact = (text: string): string =>
    uncut(named(redactAuthHeaderTokens(redactKeyShapes(text))));
  // One JSON writes otherwise than itself is not found in the plain JSON text by a search.
  const escaped = secrets.some((secret) => JSON.stringify(secret) !== `"${secret}"`);
  const replacer = (_key: string, value: unknown): unknown => {
    if (typeof value === 'string') return redact(value);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
    let copy: Record<string, unknown> | undefined;
    for (const name of Object.keys(value)) {
      const shown = redact(name);
      if (shown === name) continue;
      copy ??= { ...(value as Record<string, unknown>) };
      const held = copy[name];
      delete copy[name];
      copy[shown] = held;
    }
    return copy ?? value;
  };
  return (value) => {
    const plain = JSON.stringify(value) as string | undefined;
    if (plain === undefined) return 'null';
    const cut =
      plain.includes('…') && (forms.length > 0 || /AIza|ya29\.|bearer|basic/i.test(plain));
    if (!escaped && !cut && redact(plain) === plain) return plain;
    return JSON.stringify(value, replacer);
  };
}
