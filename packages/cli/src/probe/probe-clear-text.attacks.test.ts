import { InvalidArgumentError } from '@gemloop/core';
import { describe, expect, it } from 'vitest';
import { main } from '../cli.ts';
import { runProbe } from './run-probe.ts';

// attack15: `gemloop probe` sends the gateway key in every request to --base-url, and took
// `http://` to any host (`10.0.0.1`, `169.254.169.254`): the key crossed the network in clear
// text. As createGemini now does, plain http is taken only for loopback (localhost, *.localhost,
// 127.0.0.0/8, [::1]); another host needs --allow-insecure-http (allowInsecureHttp: true).

const KEY = 'AIzaSy-probe-S3CR3T-0123456789';

async function gemloop(args: string[]) {
  const urls: string[] = [];
  let stderr = '';
  const code = await main(args, {
    stdout: () => {},
    stderr: (text) => {
      stderr += text;
    },
    env: { GEMINI_API_KEY: KEY },
    fetch: async (input) => {
      urls.push(String(input));
      return new Response('not here', { status: 404 });
    },
  });
  return { code, stderr, urls };
}

describe('gemloop probe with a plain http base URL', () => {
  it.each([
    'http://10.0.0.1:8080',
    'http://169.254.169.254',
    'http://gateway.example.com',
    'http://[fd00::1]',
  ])('refuses %s before any request, naming the flag', async (baseUrl) => {
    const result = await gemloop(['probe', '--base-url', baseUrl, '--timeout', '1']);
    expect(result.code).toBe(2);
    expect(result.urls).toEqual([]);
    expect(result.stderr).toMatch(/clear text/);
    expect(result.stderr).toMatch(/--allow-insecure-http/);
    expect(result.stderr).not.toContain('S3CR3T');
  });

  it('sends there with --allow-insecure-http', async () => {
    const result = await gemloop([
      'probe',
      '--base-url',
      'http://10.0.0.1:8080',
      '--allow-insecure-http',
      '--timeout',
      '1',
    ]);
    expect(result.urls.length).toBeGreaterThan(0);
    expect(result.urls.every((url) => url.startsWith('http://10.0.0.1:8080/v1beta/'))).toBe(true);
  });

  it.each(['http://localhost:9', 'http://127.0.0.1:9', 'http://[::1]:9', 'https://10.0.0.1'])(
    'takes %s without the flag',
    async (baseUrl) => {
      const result = await gemloop(['probe', '--base-url', baseUrl, '--timeout', '1']);
      expect(result.urls.length).toBeGreaterThan(0);
    },
  );

  it('runProbe refuses the same with an InvalidArgumentError on baseUrl, and a non-boolean opt-in', async () => {
    const refused = await runProbe({ baseUrl: 'http://10.0.0.1', apiKey: KEY }).catch(
      (error: unknown) => error,
    );
    expect(InvalidArgumentError.isInstance(refused)).toBe(true);
    expect((refused as InvalidArgumentError).argument).toBe('baseUrl');
    const notBoolean = await runProbe({
      baseUrl: 'http://10.0.0.1',
      apiKey: KEY,
      allowInsecureHttp: 'yes' as never,
    }).catch((error: unknown) => error);
    expect((notBoolean as InvalidArgumentError).argument).toBe('baseUrl');
    const typed = await runProbe({
      baseUrl: 'https://10.0.0.1',
      apiKey: KEY,
      allowInsecureHttp: 'yes' as never,
    }).catch((error: unknown) => error);
    expect((typed as InvalidArgumentError).argument).toBe('allowInsecureHttp');
  });
});
