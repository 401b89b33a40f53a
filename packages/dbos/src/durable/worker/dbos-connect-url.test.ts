import { describe, expect, it } from 'vitest';
import { dbosConnectUrl } from './dbos-connect-url.ts';

const url = 'postgres://gemloop:secret@127.0.0.1:5432/runs';
const timeoutOf = (href: string) => new URL(href).searchParams.get('connect_timeout');

describe('dbosConnectUrl', () => {
  it('leaves the URL as it is without a limit given (DBOS keeps its own 10 s)', () => {
    expect(dbosConnectUrl(url, undefined)).toBe(url);
  });

  it('gives DBOS the longest limit its setTimeout can hold for "none" (0)', () => {
    const seconds = Number(timeoutOf(dbosConnectUrl(url, 0)));
    // DBOS turns it into milliseconds for a setTimeout, which fires at once past 2^31 - 1 ms.
    expect(seconds * 1000).toBeLessThanOrEqual(2 ** 31 - 1);
    expect(seconds).toBeGreaterThan(24 * 3600);
  });

  it('rounds a limit in ms up to whole seconds, at least one', () => {
    expect(timeoutOf(dbosConnectUrl(url, 5_000))).toBe('5');
    expect(timeoutOf(dbosConnectUrl(url, 1_500))).toBe('2');
    expect(timeoutOf(dbosConnectUrl(url, 1))).toBe('1');
  });

  it('keeps the caller’s own connect_timeout, the credentials and the other parameters', () => {
    const own = `${url}?connect_timeout=3&sslmode=disable`;
    expect(dbosConnectUrl(own, 0)).toBe(own);
    const lifted = new URL(dbosConnectUrl(`${url}?sslmode=disable`, 0));
    expect(lifted.password).toBe('secret');
    expect(lifted.searchParams.get('sslmode')).toBe('disable');
  });

  it('hands back what is not a URL as it was, for DBOS to refuse', () => {
    expect(dbosConnectUrl('not a url', 0)).toBe('not a url');
  });
});
