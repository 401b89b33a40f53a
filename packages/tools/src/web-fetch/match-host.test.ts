import { describe, expect, it } from 'vitest';
import { checkUrl } from './check-url.ts';
import { compileHostList, hostMatches, normalizeHost } from './match-host.ts';

// A host list entry is compared with the host the URL parser makes of a page's URL, so each
// entry must mean exactly that host: a deny list entry that matches nothing lets the host through.

const denied = (entries: string[], url: string): boolean => {
  try {
    checkUrl(url, { allowedHosts: undefined, deniedHosts: compileHostList(entries) });
    return false;
  } catch {
    return true;
  }
};

describe('compileHostList', () => {
  it.each([
    ['127.1', 'http://127.0.0.1/'],
    ['0x7f.0.0.1', 'http://127.0.0.1/admin'],
    ['2130706433', 'http://127.0.0.1/'],
    ['0:0:0:0:0:0:0:1', 'http://[::1]:8080/'],
    ['[0::1]', 'http://[::1]/'],
    ['ex%41mple.com', 'https://example.com/'],
    ['EXAMPLE.com.', 'https://example.com./'],
    ['Bücher.de', 'https://xn--bcher-kva.de/'],
    ['*.Bücher.de', 'https://shop.bücher.de/'],
  ])('denies by %s the URL %s, which names the same host', (entry, url) => {
    expect(denied([entry], url)).toBe(true);
  });

  it.each([
    'intranet.example:8080',
    'http://example.com',
    'example.com/path',
    'example.com?q',
    'a b.example',
    '1.2.3.4.5',
    '...',
    '*.',
    '*.*.example.com',
    'exa*mple.com',
  ])('refuses the entry %s, which no URL host can equal, naming the fix', (entry) => {
    expect(() => compileHostList([entry])).toThrow(/must be a host name, an IP address, or/);
  });

  it('refuses entries that are not strings, or empty', () => {
    for (const entry of ['', '   ', null, 42, { host: 'x' }]) {
      expect(() => compileHostList([entry as string])).toThrow(/non-empty strings/);
    }
  });

  it('quotes at most 200 characters of a bad entry', () => {
    let message = '';
    try {
      compileHostList([`${'a'.repeat(100_000)}/x`]);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.length).toBeLessThan(400);
  });

  it('matches subdomains of a pattern, never the bare domain or a look-alike', () => {
    const list = compileHostList(['*.example.com']);
    expect(hostMatches(list, 'a.example.com')).toBe(true);
    expect(hostMatches(list, 'a.b.example.com')).toBe(true);
    expect(hostMatches(list, 'example.com')).toBe(false);
    expect(hostMatches(list, 'badexample.com')).toBe(false);
    expect(hostMatches(list, 'example.com.evil.net')).toBe(false);
  });

  it('keeps exact names and patterns apart', () => {
    const list = compileHostList(['example.com', '*.docs.example.com', '10.0.0.1']);
    expect([...list.exact]).toEqual(['example.com', '10.0.0.1']);
    expect(list.suffixes).toEqual(['.docs.example.com']);
  });
});

describe('normalizeHost', () => {
  it('folds case, brackets, surrounding space and every trailing dot', () => {
    expect(normalizeHost('  Example.COM... ')).toBe('example.com');
    expect(normalizeHost('[FE80::1]')).toBe('fe80::1');
    expect(normalizeHost('.')).toBe('');
  });
});
