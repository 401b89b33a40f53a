import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { normalizeBaseUrl } from './normalize-base-url.ts';

describe('normalizeBaseUrl', () => {
  it('drops trailing slashes and splits off a trailing API version', () => {
    expect(normalizeBaseUrl('https://api.cometapi.com/')).toEqual({
      baseUrl: 'https://api.cometapi.com',
    });
    expect(normalizeBaseUrl('https://api.cometapi.com/v1beta//')).toEqual({
      baseUrl: 'https://api.cometapi.com',
      apiVersion: 'v1beta',
    });
    expect(normalizeBaseUrl('http://127.0.0.1:8080/proxy/gemini/v1')).toEqual({
      baseUrl: 'http://127.0.0.1:8080/proxy/gemini',
      apiVersion: 'v1',
    });
  });

  it('rejects a non-URL, another protocol, and credentials without echoing them', () => {
    for (const input of [
      'api.cometapi.com',
      'ftp://x.example',
      'https://user:pw-secret@x.example',
      'https://x.example/?key=k-secret',
    ]) {
      let thrown: unknown;
      try {
        normalizeBaseUrl(input);
      } catch (error) {
        thrown = error;
      }
      expect(InvalidArgumentError.isInstance(thrown)).toBe(true);
      expect((thrown as Error).message).not.toContain('secret');
    }
  });
});
