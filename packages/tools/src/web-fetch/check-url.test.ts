import { describe, expect, it } from 'vitest';
import type { HostPolicy } from './check-url.ts';
import { checkUrl } from './check-url.ts';
import { compileHostList, hostMatches, normalizeHost } from './match-host.ts';
import { WebFetchError } from './web-fetch-error.ts';

const open: HostPolicy = { allowedHosts: undefined, deniedHosts: undefined };

function refusal(text: string, policy: HostPolicy = open): WebFetchError {
  try {
    checkUrl(text, policy);
  } catch (error) {
    if (WebFetchError.isInstance(error)) return error;
    throw error;
  }
  throw new Error(`expected ${text} to be refused`);
}

describe('checkUrl', () => {
  it.each([
    ['file:///etc/passwd', 'Only http and https URLs can be fetched, not file: URLs.'],
    ['ftp://example.com/x', 'Only http and https URLs can be fetched, not ftp: URLs.'],
    ['javascript:alert(1)', 'Only http and https URLs can be fetched, not javascript: URLs.'],
    ['data:text/html,<b>x</b>', 'Only http and https URLs can be fetched, not data: URLs.'],
    [
      'gopher://127.0.0.1:6379/_FLUSHALL',
      'Only http and https URLs can be fetched, not gopher: URLs.',
    ],
    [
      '/relative/path',
      '"/relative/path" is not a valid absolute URL. Give a full URL such as "https://example.com/page".',
    ],
    [
      'http://',
      '"http://" is not a valid absolute URL. Give a full URL such as "https://example.com/page".',
    ],
    [
      'https://user:secret@example.com/',
      'URLs with a user name or password are not fetched. Remove the "user:password@" part.',
    ],
  ])('refuses %s', (text, message) => {
    const error = refusal(text);
    expect(error.reason).toBe('invalid-url');
    expect(error.message).toBe(message);
  });

  it('never echoes credentials back', () => {
    const error = refusal('https://user:secret@example.com/path');
    expect(error.url).toBe('https://example.com/path');
    expect(JSON.stringify(error)).not.toContain('secret');
  });

  it('normalizes numeric hosts to the address they mean', () => {
    expect(checkUrl('http://0x7f000001/', open).hostname).toBe('127.0.0.1');
    expect(checkUrl('http://2130706433/', open).hostname).toBe('127.0.0.1');
    expect(checkUrl('http://017700000001/', open).hostname).toBe('127.0.0.1');
    expect(checkUrl('http://127.1/', open).hostname).toBe('127.0.0.1');
    expect(checkUrl('http://[::ffff:127.0.0.1]/', open).hostname).toBe('[::ffff:7f00:1]');
  });

  it('drops the fragment and resolves redirects against the current URL', () => {
    expect(checkUrl('https://example.com/a#top', open).href).toBe('https://example.com/a');
    expect(checkUrl('../b?q=1', open, 'https://example.com/x/y/z').href).toBe(
      'https://example.com/x/b?q=1',
    );
  });

  it('applies deny and allow lists, deny first', () => {
    const policy: HostPolicy = {
      allowedHosts: compileHostList(['*.example.com', 'example.org']),
      deniedHosts: compileHostList(['secret.example.com']),
    };
    expect(checkUrl('https://docs.example.com/', policy).hostname).toBe('docs.example.com');
    expect(checkUrl('https://a.b.example.com/', policy).hostname).toBe('a.b.example.com');
    expect(checkUrl('https://EXAMPLE.org./', policy).hostname).toBe('example.org.');
    const denied = refusal('https://secret.example.com/', policy);
    expect(denied.reason).toBe('host-not-allowed');
    expect(denied.message).toBe(
      'Fetching from secret.example.com is not allowed. Use a different source.',
    );
    expect(refusal('https://example.com/', policy).message).toBe(
      'Fetching from example.com is not allowed: only example.org, *.example.com can be fetched.',
    );
    expect(refusal('https://evil-example.com/', policy).reason).toBe('host-not-allowed');
    expect(refusal('https://example.com.evil.net/', policy).reason).toBe('host-not-allowed');
  });

  it('refuses very long URLs', () => {
    expect(refusal(`https://example.com/${'a'.repeat(3000)}`).message).toMatch(
      /^The URL is 3020 characters long; the limit is 2048\.$/,
    );
  });
});

describe('host lists', () => {
  it('normalize case, trailing dots, brackets and internationalized names', () => {
    expect(normalizeHost('Example.COM.')).toBe('example.com');
    expect(normalizeHost('[::1]')).toBe('::1');
    const list = compileHostList(['Bücher.de', '*.Example.com.', '[::1]']);
    expect(hostMatches(list, 'xn--bcher-kva.de')).toBe(true);
    expect(hostMatches(list, 'a.example.com')).toBe(true);
    expect(hostMatches(list, 'example.com')).toBe(false);
    expect(hostMatches(list, '::1')).toBe(true);
  });

  it('reject entries that are not hosts', () => {
    expect(() => compileHostList(['https://example.com/path'])).toThrow(/must be a host name/);
    expect(() => compileHostList(['a*.example.com'])).toThrow(/must be a host name/);
    expect(() => compileHostList([''])).toThrow(/non-empty strings/);
  });
});
