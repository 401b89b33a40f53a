import { describe, expect, it } from 'vitest';
import { countSearchedChars, countSearchedCharsDuring } from '../../__fixtures__/count-work.ts';
import { createGemini } from '../../http/create-gemini.ts';
import { MAX_SCANNED_CHARS } from '../../shared/html-to-text.ts';
import { ApiCallError } from '../api-call-error.ts';
import { createApiCallError } from './create-api-call-error.ts';

// A hostile or broken proxy controls the error body. Describing it must take time linear in a
// bounded prefix of it: the old regexes took 7.4 s on 80 KB of `<` (about 20 min on 1 MB), and as
// long on a run of unclosed `<script>` tags, blocking the event loop past every timeout.
// Counted, not timed (a stopwatch fails at load 40): the characters searched stay within a few
// times the scanned prefix (MAX_SCANNED_CHARS); a rescan from every `<` is n²/2 of it.

const url =
  'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent';

/** Each description may search its scanned prefix three times (htmlToText's own bound). */
const LINEAR_BOUND = 3 * MAX_SCANNED_CHARS;

function describeBody(body: string): { message: string; searched: number } {
  let message = '';
  const searched = countSearchedChars(() => {
    message = createApiCallError({
      url,
      method: 'generateContent',
      status: 502,
      body,
      responseHeaders: { 'content-type': 'text/html' },
    }).message;
  });
  return { message, searched };
}

describe('describing a hostile non-JSON error body', () => {
  it('describes 1 MB of "<" quickly, quoting a bounded excerpt', () => {
    const { message, searched } = describeBody('<'.repeat(1024 * 1024));
    expect(searched).toBeLessThanOrEqual(LINEAR_BOUND);
    expect(message).toContain('not a Gemini error body (text/html)');
    expect(message.length).toBeLessThan(1_000);
  });

  it('describes 50,000 unclosed <script> openers quickly', () => {
    const { message, searched } = describeBody(`${'<script>'.repeat(50_000)}tail`);
    expect(searched).toBeLessThanOrEqual(LINEAR_BOUND);
    expect(message).toContain('not a Gemini error body (text/html)');
  });

  it('describes 50,000 <style x="> openers and unclosed attribute runs quickly', () => {
    const { searched } = describeBody(`${'<style <b <i '.repeat(50_000)}`);
    expect(searched).toBeLessThanOrEqual(LINEAR_BOUND);
  });

  it('still strips tags, scripts and styles from an ordinary page', () => {
    const { message } = describeBody(
      '<html><head><style>p { color: red }</style><SCRIPT>var x = "<b>";</script></head>' +
        '<body>\n<h1>Bad   Gateway</h1><p>a &lt; b</p> 1 < 2 <> 3</body></html>',
    );
    // `< 2 <>` reads as a tag, as it did before: the scan changed, not what it keeps.
    expect(message).toContain('"Bad Gateway a &lt; b 1 3"');
  });

  it('cuts a long page to an excerpt', () => {
    const { message } = describeBody(`<p>${'word '.repeat(10_000)}</p>`);
    expect(message).toMatch(/"(word ){40}\.\.\."/);
  });

  it('lets a client fail fast on a 502 of 1 MB of "<", retries included', async () => {
    let attempts = 0;
    const gemini = createGemini({
      apiKey: 'AIzaReDoSTest-0123456789',
      // A hang guard only: each attempt must end in the 502, and a 1 s limit (a timer cannot stop
      // a search anyway; `searched` is what proves it linear) also bounded reading and describing
      // 1 MB under the counting hooks, which a loaded machine (load 20) can take past.
      timeoutMs: 60_000,
      retry: { maxRetries: 2, initialDelayMs: 1 },
      fetch: (() => {
        attempts++;
        return Promise.resolve(
          new Response('<'.repeat(1024 * 1024), {
            status: 502,
            headers: { 'content-type': 'text/html' },
          }),
        );
      }) as never,
    });
    let error: unknown;
    const searched = await countSearchedCharsDuring(async () => {
      error = await gemini
        .generateContent({ model: 'gemini-2.5-flash', contents: 'Hi' })
        .catch((caught: unknown) => caught);
    });
    // Three descriptions and the client's other searches (382,444 characters in all when this
    // was written); forgetting that no `>` is left searches 39.6 million.
    expect(searched).toBeLessThanOrEqual(3 * LINEAR_BOUND + 65_536);
    expect(ApiCallError.isInstance(error)).toBe(true);
    expect((error as ApiCallError).status).toBe(502);
    expect(attempts).toBe(3);
  });
});
