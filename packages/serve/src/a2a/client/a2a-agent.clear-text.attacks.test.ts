import { InvalidArgumentError } from '@gemloop/core';
import { safeToolErrorMessage } from '@gemloop/core/guardrails';
import { describe, expect, it } from 'vitest';
import { bareToolContext } from '../__fixtures__/serve-a2a.ts';
import { a2aAgent } from './a2a-agent.ts';

// attack17: a2aAgent sent its `headers` (bearer tokens, API keys), the tasks and the answers over
// plain http to any host, where createGemini refuses such a baseUrl. Now the same rule: http only
// to loopback, or with allowInsecureHttp: true. And each option is read once: a getter gave the
// check one url and the calls another.

type Sent = { url: string; authorization: string | null };

/** A fetch that records where each request went, with its credentials, and answers 503. */
function recordingFetch(sent: Sent[]): typeof fetch {
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    sent.push({ url, authorization: new Headers(init?.headers).get('authorization') });
    return new Response('{}', { status: 503, headers: { 'content-type': 'application/json' } });
  };
}

const call = (tool: ReturnType<typeof a2aAgent>) =>
  Promise.resolve(tool.execute({ task: 'Hi' }, bareToolContext())).catch(
    (thrown: unknown) => thrown,
  );

const base = {
  name: 'support',
  description: 'Answers.',
  headers: { authorization: 'Bearer a2a-secret-token' },
};

describe('a2aAgent over plain http', () => {
  it.each([
    ['a public name', 'http://support.example.com/a2a'],
    ['a private address', 'http://10.0.0.7:8080'],
    ['the cloud metadata address', 'http://169.254.169.254/'],
    ['localhost with a trailing dot (DNS answers it)', 'http://localhost.:8080/'],
  ])('refuses %s before anything is sent, naming the fix', (_label, url) => {
    const sent: Sent[] = [];
    let error: unknown;
    try {
      a2aAgent({ ...base, url, fetch: recordingFetch(sent) });
    } catch (thrown) {
      error = thrown;
    }
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ argument: 'url' });
    const message = (error as Error).message;
    expect(message).toContain('https');
    expect(message).toContain('allowInsecureHttp: true');
    expect(message).not.toContain('a2a-secret-token');
    expect(sent).toEqual([]);
  });

  it('refuses a plain http origin in allowCardOrigins', () => {
    expect(() =>
      a2aAgent({
        ...base,
        url: 'https://support.example.com',
        allowCardOrigins: ['http://gateway.example.com'],
      }),
    ).toThrow(expect.objectContaining({ argument: 'allowCardOrigins' }));
  });

  it('refuses an allowInsecureHttp that is not a boolean', () => {
    expect(() =>
      a2aAgent({
        ...base,
        url: 'http://10.0.0.7',
        allowInsecureHttp: 'yes' as unknown as boolean,
      }),
    ).toThrow(expect.objectContaining({ argument: 'allowInsecureHttp' }));
  });

  it('takes loopback without an opt-in, and any host with allowInsecureHttp: true', async () => {
    for (const url of ['http://127.0.0.1:9/', 'http://localhost:9/', 'http://[::1]:9/']) {
      expect(() => a2aAgent({ ...base, url })).not.toThrow();
    }
    const sent: Sent[] = [];
    const tool = a2aAgent({
      ...base,
      url: 'http://10.0.0.7:8080',
      allowInsecureHttp: true,
      allowCardOrigins: ['http://10.0.0.8'],
      fetch: recordingFetch(sent),
    });
    await call(tool);
    // The user's word: the card is asked for there, with the credentials.
    expect(sent[0]).toEqual({
      url: 'http://10.0.0.7:8080/.well-known/agent-card.json',
      authorization: 'Bearer a2a-secret-token',
    });
  });

  it('reads each option once: a url getter cannot pass the check and then point elsewhere', async () => {
    const sent: Sent[] = [];
    const urls = ['https://support.example.com', 'http://attacker.example'];
    const options = {
      ...base,
      fetch: recordingFetch(sent),
      get url() {
        return urls.shift() ?? 'http://attacker.example';
      },
    };
    const tool = a2aAgent(options);
    await call(tool);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((each) => each.url.startsWith('https://support.example.com/'))).toBe(true);
  });

  it('reads headers once: a getter cannot pass the check and then change them', async () => {
    const sent: Sent[] = [];
    let reads = 0;
    const tool = a2aAgent({
      name: 'support',
      description: 'Answers.',
      url: 'https://support.example.com',
      fetch: recordingFetch(sent),
      get headers() {
        reads += 1;
        return { authorization: `Bearer read-${reads}` };
      },
    });
    await call(tool);
    await call(tool);
    expect(reads).toBe(1);
    expect(new Set(sent.map((each) => each.authorization))).toEqual(new Set(['Bearer read-1']));
  });
});

// A header value fetch's Headers refuses (a line break inside a token read from a file, a
// character past Latin-1) threw undici's TypeError, which quotes the value: the token went into
// the tool error the model, the spans and the recording get.
describe('a2aAgent and a header value no request can carry', () => {
  const bad = { authorization: 'Bearer a2a-secret-token\nsecond-line' };

  it('refuses a record of headers when the tool is made, without the value', () => {
    let error: unknown;
    try {
      a2aAgent({ ...base, url: 'https://support.example.com', headers: bad });
    } catch (thrown) {
      error = thrown;
    }
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ argument: 'headers.authorization' });
    expect((error as Error).message).not.toContain('a2a-secret-token');
  });

  it('refuses what a headers function returns, and the model never reads the value', async () => {
    const sent: Sent[] = [];
    const tool = a2aAgent({
      ...base,
      url: 'https://support.example.com',
      headers: () => bad,
      fetch: recordingFetch(sent),
    });
    const error = await call(tool);
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect(safeToolErrorMessage('support', error)).not.toContain('a2a-secret-token');
    expect(String((error as Error).message)).not.toContain('a2a-secret-token');
    expect(sent).toEqual([]);
  });
});
