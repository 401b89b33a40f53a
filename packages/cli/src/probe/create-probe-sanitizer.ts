import { createSecretRedactor } from '@gemloop/core/internal';
import { escapeControls } from '../escape-controls.ts';

// Its home is its own file, which loads no core (an unknown command's message uses it); the
// commands and the probe import it from here, as before.
export { escapeControls };

/** What {@link createProbeSanitizer} returns. @internal */
export type ProbeSanitizer = {
  /**
   * The one gate of every string that reaches the probe's report or its terminal output: the
   * secrets replaced by `[redacted]`, then every control character escaped so that a gateway's
   * bytes print as one inert line.
   */
  sanitize: (text: string) => string;
  /**
   * The secrets half alone, for what the probe keeps in memory before it is clipped: a gateway's
   * body is redacted as soon as it is read, so cutting it to 60 characters can never leave the
   * first half of the key behind (which `sanitize` would then no longer recognise).
   */
  redact: (text: string) => string;
};

/**
 * Makes the probe's sanitiser from what it was given: the API key, and the base URL as typed (its
 * userinfo `user:secret@` and every query value such as `?key=` count as credentials, whether the
 * URL parses or not). Each secret is also redacted in its URL-encoded form, since a gateway that
 * echoes the request URL or a form body quotes the key encoded. The matching is core's
 * `createSecretRedactor` (secrets of 4 characters and more, longest first), so the probe redacts
 * exactly as the client's errors do.
 * @internal
 */
export function createProbeSanitizer({
  apiKey,
  baseUrl,
}: {
  apiKey: unknown;
  baseUrl: unknown;
}): ProbeSanitizer {
  const secrets: string[] = [];
  if (typeof apiKey === 'string') secrets.push(apiKey);
  if (typeof baseUrl === 'string') secrets.push(...credentialsOfUrl(baseUrl));
  const forms = new Set<string>();
  for (const secret of secrets) {
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
    forms.add(safeDecode(secret));
  }
  const redact = createSecretRedactor(forms);
  return { redact, sanitize: (text) => escapeControls(redact(text)) };
}

/**
 * The credentials a URL string carries: the user and password of its userinfo, and every query
 * parameter's value. Read with patterns rather than `new URL`, because a base URL that does not
 * parse is quoted in the error that refuses it, and must be scrubbed too.
 */
function credentialsOfUrl(url: string): string[] {
  const found: string[] = [];
  const userinfo = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)@/i.exec(url)?.[1];
  if (userinfo !== undefined) {
    found.push(userinfo);
    for (const piece of userinfo.split(':')) found.push(piece);
  }
  const query = /\?([^#]*)/.exec(url)?.[1];
  if (query !== undefined) {
    for (const pair of query.split('&')) {
      const equals = pair.indexOf('=');
      found.push(equals === -1 ? pair : pair.slice(equals + 1));
    }
  }
  const fragment = /#(.*)$/.exec(url)?.[1];
  if (fragment !== undefined) found.push(fragment);
  return found.filter((value) => value !== '');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
