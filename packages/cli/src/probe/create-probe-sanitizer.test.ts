import { describe, expect, it } from 'vitest';
import { createProbeSanitizer, escapeControls } from './create-probe-sanitizer.ts';

describe('createProbeSanitizer', () => {
  it('redacts the key plain and URL-encoded, and the base URL’s userinfo, query and fragment', () => {
    const { sanitize } = createProbeSanitizer({
      apiKey: 'sk-a/b+c=0123456789',
      baseUrl: 'https://probe-user:pass-word-1@gw.example/x?key=query-secret-1#frag-secret-1',
    });
    const text = sanitize(
      'sk-a/b+c=0123456789 sk-a%2Fb%2Bc%3D0123456789 probe-user pass-word-1 query-secret-1 frag-secret-1',
    );
    expect(text).toBe('[redacted] [redacted] [redacted] [redacted] [redacted] [redacted]');
  });

  it('writes control characters, bidi controls and line separators as visible escapes', () => {
    expect(escapeControls('a\nb\r\tc\u001b[31m\u009b2J\u2028\u202e\\n')).toBe(
      'a\\nb\\r\\tc\\u001b[31m\\u009b2J\\u2028\\u202e\\n',
    );
  });
});
