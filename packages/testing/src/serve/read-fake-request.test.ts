import { describe, expect, it } from 'vitest';
import { createFakeGemini } from '../create-fake-gemini.ts';
import { turn } from '../script/fake-turn.ts';
import { bearerToken } from './read-fake-request.ts';

// An HTTP authentication scheme is case-insensitive (RFC 9110 section 11.1: "It uses a
// case-insensitive token to identify the authentication scheme"), so `authorization: bearer KEY`
// (as some HTTP clients and proxies write it) is the same credential as `Bearer KEY`, which
// CometAPI takes beside x-goog-api-key (cometapi-gemini.md). The fake refused it with a 403.

describe('bearerToken', () => {
  it('reads the token after the scheme in any case, and nothing from another scheme', () => {
    expect(bearerToken('Bearer key-1')).toBe('key-1');
    expect(bearerToken('bearer key-1')).toBe('key-1');
    expect(bearerToken('BEARER  key-1 ')).toBe('key-1');
    expect(bearerToken('Basic a2V5')).toBeUndefined();
    expect(bearerToken('Bearerkey-1')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});

describe('the fake on a lower-case bearer scheme', () => {
  it('takes `authorization: bearer KEY` as it takes `Bearer KEY`, and still refuses a wrong key', async () => {
    const fake = createFakeGemini({ apiKeys: ['key-1'], script: [turn.text('hi')] });
    const call = (authorization: string) =>
      fake.fetch('http://fake/v1beta/models/gemini-2.5-flash:generateContent', {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] }),
      });
    expect((await call('bearer key-1')).status).toBe(200);
    expect((await call('bearer key-2')).status).toBe(400);
    expect(JSON.stringify(fake.requests)).not.toContain('key-1');
  });
});
