import { describe, expect, it } from 'vitest';
import { createApiCallError } from './create-api-call-error.ts';

// An error message goes to logs, spans, pages and the model: a cut that leaves half an emoji (a
// lone surrogate) makes a strict JSON or UTF-8 reader refuse it, or show U+FFFD.

const url =
  'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent';

function messageOf(body: string, contentType: string, status = 502): string {
  return createApiCallError({
    url,
    method: 'generateContent',
    status,
    body,
    responseHeaders: { 'content-type': contentType },
  }).message;
}

describe('describing an error body with emoji and other non-BMP text', () => {
  it("cuts a proxy page's excerpt at 200 characters without splitting an emoji", () => {
    for (const prefix of ['', 'x']) {
      const message = messageOf(
        `<html><body>${prefix}${'😀'.repeat(300)}</body></html>`,
        'text/html',
      );
      expect(message).toContain('not a Gemini error body (text/html)');
      expect(message).not.toMatch(/\p{Cs}/u);
    }
  });

  it("cuts a gateway's 2,000+ character error.message without splitting an emoji", () => {
    for (const prefix of ['', 'x']) {
      const body = JSON.stringify({
        error: { code: 500, status: 'INTERNAL', message: `${prefix}${'🙂'.repeat(1500)}` },
      });
      const message = messageOf(body, 'application/json', 500);
      expect(message).toContain('(cut; the whole text is on error.apiMessage)');
      expect(message).not.toMatch(/\p{Cs}/u);
    }
  });

  it('quotes a short message with CJK, RTL and combining characters whole', () => {
    const text = '配额已用完 — مرحبا — e\u0301';
    const body = JSON.stringify({
      error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: text },
    });
    expect(messageOf(body, 'application/json', 429)).toContain(text);
  });
});
