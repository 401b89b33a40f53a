import { cutWithoutCredentials, withoutCredentials } from './header-credentials.ts';

/** The characters of an error body quoted in an error message. */
const MAX_EXCERPT_CHARS = 300;
/** How long an error body may take to send its excerpt, in milliseconds. */
const EXCERPT_TIME_LIMIT_MS = 1000;

/**
 * The first 300 characters of an error body. Only those are read, then the body is cancelled: it
 * may be a whole HTML page, or a proxy's answer that never ends, which `response.text()` would
 * hold in memory, or wait for, without bound. What has not come within 1 s is not waited for: a
 * 4xx or 5xx that sends its headers and then nothing would otherwise hold the error until the
 * page gives up, and the status alone says what went wrong. The page's `credentials` (its
 * credential headers, `credentialsOf`) are redacted: a proxy's error page may echo the request's
 * headers, and the excerpt goes into an error the page logs (attack58b). @internal
 */
export async function readExcerpt(
  response: Response,
  credentials: readonly string[],
): Promise<string> {
  const body = response.body;
  if (body === null) return '(empty body)';
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let cutShort = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeUp = new Promise<'time-up'>((resolve) => {
    timer = setTimeout(() => resolve('time-up'), EXCERPT_TIME_LIMIT_MS);
  });
  try {
    while (text.length <= MAX_EXCERPT_CHARS) {
      // One deadline for the whole excerpt, not one per chunk: a body that sends a byte a
      // second would otherwise take minutes.
      const read = await Promise.race([reader.read(), timeUp]);
      if (read === 'time-up') {
        cutShort = true;
        break;
      }
      if (read.done) break;
      text += decoder.decode(read.value, { stream: true });
    }
  } catch {
    if (text === '') return '(unreadable body)';
    // What came before the body broke: cut short as by the deadline.
    cutShort = true;
  } finally {
    clearTimeout(timer);
    // Also ends a read still pending after the deadline (it resolves as done).
    reader.cancel().catch(() => {});
  }
  if (cutShort && text === '') return `(no body within ${EXCERPT_TIME_LIMIT_MS} ms)`;
  if (text.length <= MAX_EXCERPT_CHARS && !cutShort) {
    return withoutCredentials(text, credentials) || '(empty body)';
  }
  // Redacted, then cut: a credential across the cut would leave its first characters.
  return cutWithoutCredentials(text, MAX_EXCERPT_CHARS, credentials);
}
