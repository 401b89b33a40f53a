import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { checkAllowInsecureHttp, refuseClearTextHttp } from './refuse-clear-text-http.ts';

const check = {
  who: 'someClient',
  argument: 'url',
  what: 'your headers',
  allowInsecureHttp: false,
};

describe('refuseClearTextHttp', () => {
  it.each([
    'https://mcp.example.com/mcp',
    'http://localhost:3000',
    'http://agents.localhost',
    'http://127.0.0.1:8080',
    'http://127.9.9.9',
    'http://[::1]:8080',
    'http://[::ffff:127.0.0.1]/',
  ])('takes %s', (url) => {
    expect(() => refuseClearTextHttp(new URL(url), check)).not.toThrow();
  });

  it.each([
    'http://mcp.example.com/mcp',
    'http://10.0.0.1',
    'http://localhost./',
    'http://[::ffff:10.0.0.1]/',
    'http://128.0.0.1',
  ])('refuses %s, showing the host only and naming the fix', (url) => {
    const parsed = new URL(url);
    parsed.pathname = '/s/secret-path-token';
    let error: unknown;
    try {
      refuseClearTextHttp(parsed, check);
    } catch (thrown) {
      error = thrown;
    }
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ argument: 'url' });
    const message = (error as Error).message;
    expect(message).toContain(`someClient url must use https: plain http sends your headers`);
    expect(message).toContain('allowInsecureHttp: true');
    expect(message).toContain(`'http://${parsed.host}'`);
    expect(message).not.toContain('secret-path-token');
  });

  it('takes any host with allowInsecureHttp: true', () => {
    expect(() =>
      refuseClearTextHttp(new URL('http://10.0.0.1'), { ...check, allowInsecureHttp: true }),
    ).not.toThrow();
  });

  it('checks allowInsecureHttp itself', () => {
    expect(checkAllowInsecureHttp('x', undefined)).toBe(false);
    expect(checkAllowInsecureHttp('x', true)).toBe(true);
    expect(() => checkAllowInsecureHttp('x', 'true')).toThrow(
      /x allowInsecureHttp must be true or false/,
    );
  });
});
