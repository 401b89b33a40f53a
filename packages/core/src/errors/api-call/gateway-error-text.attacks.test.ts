import { describe, expect, it } from 'vitest';
import { createApiCallError } from './create-api-call-error.ts';

// attack29's note, leftovers35a: a gateway's 4xx/5xx text went into the ApiCallError's message
// whole, and from there into the run's error and both spans' status: the gateway's own internal
// URL, a Bearer token it saw, 10.x and 169.254 addresses, `password=`. The server's words in the
// message now go through redactLocalDetails (what tool errors get); Google's status, its own
// words and the whole text on `apiMessage` stay.

const url = 'https://gateway.example/v1beta/models/gemini-2.5-flash:generateContent';

describe('createApiCallError: a gateway echoing its internals', () => {
  it('keeps the status and the words, not the addresses or credentials', () => {
    const text =
      'upstream failed: http://llm-proxy.internal:8080/v1/chat Bearer sk-upstream-token-123 from 10.1.2.3:9000 via 169.254.169.254 password=hunter22 quota exceeded';
    const error = createApiCallError({
      url,
      method: 'generateContent',
      status: 502,
      body: JSON.stringify({ error: { code: 502, message: text, status: 'UNAVAILABLE' } }),
      responseHeaders: new Headers({ 'content-type': 'application/json' }),
      auth: 'x-goog-api-key',
    });
    for (const leaked of [
      'llm-proxy.internal',
      'sk-upstream-token-123',
      '10.1.2.3',
      '169.254.169.254',
      'hunter22',
    ]) {
      expect(error.message).not.toContain(leaked);
    }
    expect(error.message).toContain('HTTP 502');
    expect(error.message).toContain('upstream failed');
    expect(error.message).toContain('quota exceeded');
    expect(error.googleStatus).toBe('UNAVAILABLE');
    // The application still has the whole text.
    expect(error.apiMessage).toBe(text);
  });

  it("keeps Google's counts, which read like credentials (`token_count=`, `maxOutputTokens:`)", () => {
    // The fake's cachedContents 400 lost its figures to `<host>` before the counts were let through.
    const text =
      'Cached content is too small. total_token_count=12, min_total_token_count=1024. maxOutputTokens: 8192 is over 65536 and token=tok-secret-9';
    const error = createApiCallError({
      url,
      method: 'generateContent',
      status: 400,
      body: JSON.stringify({ error: { code: 400, message: text, status: 'INVALID_ARGUMENT' } }),
      responseHeaders: new Headers({ 'content-type': 'application/json' }),
      auth: 'x-goog-api-key',
    });
    expect(error.message).toContain('total_token_count=12, min_total_token_count=1024.');
    expect(error.message).toContain('maxOutputTokens: 8192');
    expect(error.message).not.toContain('tok-secret-9');
  });

  it('redacts a non-JSON body quoted in the message the same way', () => {
    const error = createApiCallError({
      url,
      method: 'generateContent',
      status: 500,
      body: 'proxy error: connect ECONNREFUSED 10.9.8.7:443 (token=abc123secret)',
      responseHeaders: new Headers({ 'content-type': 'text/plain' }),
      auth: 'x-goog-api-key',
    });
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).not.toContain('10.9.8.7');
    expect(error.message).not.toContain('abc123secret');
  });
});
