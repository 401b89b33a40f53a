import { describe, expect, it } from 'vitest';
import {
  createSecretRedactor,
  isCredentialHeader,
  MIN_KEY_LENGTH,
  MIN_SECRET_LENGTH,
  redactSecrets,
  secretsOfHeaders,
  withoutCutKeyAtStart,
} from './redact-secrets.ts';

describe('createSecretRedactor', () => {
  it('redacts a 4 to 7 character secret the caller names, which the key rule would leave', () => {
    const redact = createSecretRedactor(['pa55', 'tok-123']);
    expect(redact('login pa55 with tok-123')).toBe('login [redacted] with [redacted]');
    expect(redactSecrets('login pa55 with tok-123', ['pa55', 'tok-123'])).toBe(
      'login pa55 with tok-123',
    );
    expect([MIN_SECRET_LENGTH, MIN_KEY_LENGTH]).toEqual([4, 8]);
  });

  it('leaves values too short to be secret, which would garble every word', () => {
    const redact = createSecretRedactor(['1', 'on', '   ']);
    expect(redact('1 option is on')).toBe('1 option is on');
  });

  it('redacts the token of a Bearer value alone, and the whole value before the token', () => {
    const redact = createSecretRedactor(['  Bearer tok_abcdef  ']);
    expect(redact('sent "Bearer tok_abcdef", then tok_abcdef')).toBe(
      'sent "[redacted]", then [redacted]',
    );
  });
});

describe('the key rule', () => {
  it('keeps stand-in keys shorter than 8 characters out of what it redacts', () => {
    expect(redactSecrets('the demo key', ['demo'])).toBe('the demo key');
    // The whole header value is long enough; the stand-in token inside it is not.
    expect(secretsOfHeaders({ authorization: 'Bearer demo', 'x-api-key': 'sk-12345678' })).toEqual([
      'Bearer demo',
      'sk-12345678',
    ]);
  });
});

describe('credential headers', () => {
  it("takes an AI gateway's own auth headers for credentials, as the docs of each name them", () => {
    const headers = {
      // Cloudflare AI Gateway, Helicone, Portkey.
      'cf-aig-authorization': 'Bearer cfut_0123456789',
      'Helicone-Auth': 'Bearer sk-helicone-0123456789',
      'x-portkey-virtual-key': 'vk-0123456789',
    };
    expect(secretsOfHeaders(headers)).toEqual([
      'Bearer cfut_0123456789',
      'cfut_0123456789',
      'Bearer sk-helicone-0123456789',
      'sk-helicone-0123456789',
      'vk-0123456789',
    ]);
  });

  it('leaves headers that carry no credential', () => {
    for (const name of [
      'x-request-id',
      'www-authenticate',
      'x-ratelimit-remaining-tokens',
      'keep-alive',
    ]) {
      expect(isCredentialHeader(name)).toBe(false);
    }
  });
});

describe('withoutCutKeyAtStart', () => {
  const key = 'sk-live-0123456789abcdef';
  it('replaces the longest head of 8 characters or more that ends a key', () => {
    expect(withoutCutKeyAtStart(`${key.slice(5)} then more`, [key])).toBe('[redacted] then more');
    expect(withoutCutKeyAtStart(`${key.slice(-8)}x`, ['other-secret-1234', key])).toBe(
      '[redacted]x',
    );
  });
  it('leaves a head of fewer than 8 characters, a whole key and a text that starts otherwise', () => {
    expect(withoutCutKeyAtStart(`${key.slice(-7)} rest`, [key])).toBe(`${key.slice(-7)} rest`);
    expect(withoutCutKeyAtStart(`${key} rest`, [key])).toBe(`${key} rest`);
    expect(withoutCutKeyAtStart('plain text', [key])).toBe('plain text');
    expect(withoutCutKeyAtStart('', [key])).toBe('');
  });
});
