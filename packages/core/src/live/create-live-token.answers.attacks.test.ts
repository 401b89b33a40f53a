import { listenOnLoopback } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { ApiCallError } from '../errors/api-call-error.ts';
import { GemloopError } from '../errors/gemloop-error.ts';
import { TimeoutError } from '../errors/timeout-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import { createLiveToken } from './create-live-token.ts';

// attack47a: the token endpoint's answers as a hostile gateway writes them. A body of `null` read
// `.name` of null (a bare TypeError); a server that never answers held the call forever (the
// client's `timeoutMs` bounds every other call); and a token named after the key handed the key
// to the page, the one place it must never reach.

const KEY = 'AIzaSyAttack47aTokenKeyXXXXXXXXXXXXXXXX';

const agentAt = (baseUrl: string, timeoutMs?: number) =>
  createAgent({
    gemini: createGemini({
      apiKey: KEY,
      baseUrl,
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    }),
    model: 'gemini-live-test',
  });

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => ({ resolved: value }),
    (error: unknown) => error,
  );
}

describe('createLiveToken against a gateway answering what no token endpoint does', () => {
  it.each(['null', '5', '"auth_tokens/x"', '[]', 'true'])(
    'a 200 of %s: a typed ApiCallError naming the missing token',
    async (body) => {
      await using gateway = await listenOnLoopback((request, response) => {
        request.resume();
        response.writeHead(200, { 'content-type': 'application/json' }).end(body);
      });
      const error = await failure(createLiveToken(agentAt(gateway.url)));
      expect(ApiCallError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain('no token name');
    },
  );

  it.each([
    ['the key itself', `auth_tokens/${KEY}`],
    ['the key inside it', `auth_tokens/abc${KEY}def`],
  ])('a token name holding %s is not handed out: typed, the key nowhere', async (_label, name) => {
    await using gateway = await listenOnLoopback((request, response) => {
      request.resume();
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ name, expireTime: '2026-11-29T20:00:00Z' }));
    });
    const error = await failure(createLiveToken(agentAt(gateway.url)));
    expect(ApiCallError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/holds the client's API key/);
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain(KEY);
  });

  it.each([
    ['never answers', false],
    ['sends its head, then never its body', true],
  ])("a gateway that %s: TimeoutError after the client's timeoutMs", async (_label, head) => {
    await using gateway = await listenOnLoopback((request, response) => {
      request.resume();
      if (head) {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.write('{"name":');
      }
    });
    const error = await failure(createLiveToken(agentAt(gateway.url, 300)));
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect((error as TimeoutError).timeoutMs).toBe(300);
    expect((error as TimeoutError).operation).toBe('authTokens.create');
  });

  it("the caller's abort still ends it with the caller's reason, before the time limit", async () => {
    await using gateway = await listenOnLoopback((request) => {
      request.resume();
    });
    const controller = new AbortController();
    const reason = new Error('the page left');
    const pending = failure(createLiveToken(agentAt(gateway.url), { signal: controller.signal }));
    setTimeout(() => controller.abort(reason), 50);
    const error = await pending;
    expect(GemloopError.isInstance(error) || error === reason).toBe(true);
    expect(TimeoutError.isInstance(error)).toBe(false);
  });
});
