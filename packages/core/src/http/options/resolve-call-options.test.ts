import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../errors/invalid-argument-error.ts';
import { createGemini } from '../create-gemini.ts';
import {
  defaultCallOptions,
  listOptionsDeclaration,
  resolveCallOptions,
} from './resolve-call-options.ts';
import { resolveClientOptions } from './resolve-client-options.ts';

const answer = () =>
  new Response(
    JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text: 'ok' }] } }] }),
    { headers: { 'content-type': 'application/json' } },
  );

/** A fetch that records the headers of every request. */
function recordingFetch() {
  const sent: Headers[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    sent.push(new Request(input, init).headers);
    return answer();
  };
  return { fetch: fetch as typeof globalThis.fetch, sent };
}

describe('resolveCallOptions', () => {
  const client = resolveClientOptions({ apiKey: 'client-key', baseUrl: 'http://127.0.0.1:9' });
  const defaults = defaultCallOptions(client);

  it('returns the client defaults themselves for a call without options', () => {
    expect(resolveCallOptions(undefined, client, defaults)).toBe(defaults);
  });

  it('adds call headers to the client headers, keeping the client key', () => {
    const resolved = resolveCallOptions(
      { headers: { 'X-Trace': 'abc', 'content-type': 'application/json' } },
      client,
      defaults,
    );
    expect(resolved.headers).toMatchObject({ 'x-trace': 'abc', 'x-goog-api-key': 'client-key' });
  });

  it('refuses a call header that would replace the key, in any case', () => {
    for (const name of ['x-goog-api-key', 'X-Goog-Api-Key']) {
      expect(() => resolveCallOptions({ headers: { [name]: 'other' } }, client, defaults)).toThrow(
        InvalidArgumentError,
      );
    }
  });

  it('replaces timeoutMs and merges retry field by field', () => {
    const resolved = resolveCallOptions(
      { timeoutMs: 5000, retry: { maxRetries: 0 } },
      client,
      defaults,
    );
    expect(resolved.timeoutMs).toBe(5000);
    expect(resolved.retry.maxRetries).toBe(0);
    expect(resolved.retry.initialDelayMs).toBe(defaults.retry.initialDelayMs);
  });

  it('refuses unknown options and bad values, naming them', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ signal: 'abort' }, /options\.signal must be an AbortSignal/],
      [{ timeoutMs: -1 }, /timeoutMs/],
      [{ onRetry: 1 }, /options\.onRetry must be a function/],
      [{ signl: AbortSignal.abort() }, /Unknown call option/],
    ];
    for (const [options, message] of bad) {
      expect(() => resolveCallOptions(options as never, client, defaults)).toThrow(message);
    }
  });

  it('checks a list call page size and token', () => {
    const check = (options: Record<string, unknown>) =>
      resolveCallOptions(options as never, client, defaults, listOptionsDeclaration as never);
    expect(() => check({ pageSize: 0 })).toThrow(/pageSize must be a positive integer/);
    expect(() => check({ pageSize: 1.5 })).toThrow(InvalidArgumentError);
    expect(() => check({ pageToken: '' })).toThrow(/nextPageToken/);
    expect(() => check({ pageSize: 10, pageToken: 'next' })).not.toThrow();
  });

  it('adds no x-goog-api-key entry to a Vertex call with its own headers', () => {
    const vertex = resolveClientOptions({
      vertex: { project: 'p', location: 'global', getAccessToken: () => 'token' },
    });
    const resolved = resolveCallOptions(
      { headers: { 'x-trace': 'abc' } },
      vertex,
      defaultCallOptions(vertex),
    );
    expect(resolved.headers).toEqual({ 'content-type': 'application/json', 'x-trace': 'abc' });
    expect(Object.hasOwn(resolved.headers, 'x-goog-api-key')).toBe(false);
  });
});

describe('call headers on the wire', () => {
  it("sends a Vertex call's own headers without an 'x-goog-api-key: undefined' header", async () => {
    const { fetch, sent } = recordingFetch();
    const gemini = createGemini({
      vertex: { project: 'p', location: 'global', getAccessToken: () => 'ya29.token' },
      baseUrl: 'http://127.0.0.1:9',
      fetch,
      retry: false,
    });
    await gemini.generateContent(
      { model: 'gemini-2.5-flash', contents: 'Hi' },
      { headers: { 'x-trace': 'abc' } },
    );
    expect(sent[0]?.get('x-trace')).toBe('abc');
    expect(sent[0]?.get('authorization')).toBe('Bearer ya29.token');
    expect(sent[0]?.has('x-goog-api-key')).toBe(false);
  });

  it('sends a Gemini API call with the client key and the call headers', async () => {
    const { fetch, sent } = recordingFetch();
    const gemini = createGemini({ apiKey: 'client-key', baseUrl: 'http://127.0.0.1:9', fetch });
    await gemini.generateContent(
      { model: 'gemini-2.5-flash', contents: 'Hi' },
      { headers: { 'x-trace': 'abc' } },
    );
    expect(sent[0]?.get('x-goog-api-key')).toBe('client-key');
    expect(sent[0]?.get('x-trace')).toBe('abc');
  });
});
