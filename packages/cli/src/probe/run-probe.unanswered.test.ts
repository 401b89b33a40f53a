import { describe, expect, it } from 'vitest';
import { main } from '../cli.ts';
import { runProbe } from './run-probe.ts';

/** A fetch that never answers: it waits for the request's signal, then fails as fetch does. */
function silentFetch(sent: string[]): typeof globalThis.fetch {
  return (input, init) => {
    sent.push(String(input));
    return new Promise((_resolve, reject) => {
      const signal = init?.signal;
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
  };
}

describe('runProbe against a gateway that never answers', () => {
  it('sends the two auth requests only, and skips every other line saying why', async () => {
    const sent: string[] = [];
    const report = await runProbe({
      baseUrl: 'http://127.0.0.1:9',
      apiKey: 'probe-key',
      fetch: silentFetch(sent),
      timeoutMs: 20,
    });
    expect(sent).toHaveLength(2);
    const [xGoog, bearer, ...rest] = report.records;
    expect([xGoog?.id, xGoog?.status, bearer?.id, bearer?.status]).toEqual([
      'auth-x-goog-api-key',
      'fail',
      'auth-bearer',
      'fail',
    ]);
    // Called directly, the library names its own option.
    expect(xGoog?.detail).toMatch(/no complete answer within 20 ms \(timeoutMs, /);
    expect(rest.length).toBeGreaterThan(10);
    for (const line of rest) {
      expect(line.status, line.id).toBe('skip');
      expect(line.detail).toMatch(/^not sent: the gateway did not answer the auth requests/);
    }
    expect(report.ok).toBe(false);
  });

  it('skips the same way when the connection is refused', async () => {
    let sent = 0;
    const report = await runProbe({
      baseUrl: 'http://127.0.0.1:9',
      apiKey: 'probe-key',
      fetch: async () => {
        sent++;
        throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') });
      },
    });
    expect(sent).toBe(2);
    expect(report.records.filter((line) => line.status === 'skip')).toHaveLength(
      report.records.length - 2,
    );
  });

  it('goes on when one auth request was answered', async () => {
    let sent = 0;
    const report = await runProbe({
      baseUrl: 'http://127.0.0.1:9',
      apiKey: 'probe-key',
      fetch: async (_input, init) => {
        sent++;
        if (new Headers(init?.headers).has('authorization'))
          throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') });
        return new Response('{"error":{"code":401,"message":"no","status":"UNAUTHENTICATED"}}', {
          status: 401,
          headers: { 'content-type': 'application/json' },
        });
      },
    });
    expect(sent).toBeGreaterThan(2);
    expect(report.records.some((line) => /did not answer the auth/.test(line.detail))).toBe(false);
  });
});

describe('gemloop probe --timeout', () => {
  it('names --timeout, not the library option, in a timed-out line', async () => {
    const sent: string[] = [];
    let output = '';
    const code = await main(['probe', '--base-url', 'http://127.0.0.1:9', '--timeout', '0.02'], {
      stdout: (text) => {
        output += text;
      },
      stderr: (text) => {
        output += text;
      },
      env: { GEMINI_API_KEY: 'probe-key' },
      fetch: silentFetch(sent),
    });
    expect(code).toBe(1);
    expect(sent).toHaveLength(2);
    expect(output).toMatch(/no complete answer within 20 ms \(--timeout, the body included\)/);
    expect(output).not.toContain('timeoutMs');
  });
});
