import type { IncomingHttpHeaders } from 'node:http';
import { dripResponse, listenOnLoopback } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';
import { createAgent } from '../agent/create-agent.ts';
import { ApiCallError } from '../errors/api-call-error.ts';
import { GemloopError } from '../errors/gemloop-error.ts';
import { createGemini } from '../http/create-gemini.ts';
import { createLiveToken } from './create-live-token.ts';

// `createLiveToken` mints an ephemeral token with the server's key in its own request, beside the
// client's (attack12). A gateway or proxy in front of the API answering that request with a
// redirect, or with a body without end: the client's own calls refuse redirects ("the key is never
// sent to another host") and cap answers; the token's request did neither.

const KEY = 'AIzaLiveToken-attack12-0123456789abc';
const MIB = 1024 * 1024;

const agentAt = (baseUrl: string, auth?: 'bearer') =>
  createAgent({
    gemini: createGemini({ apiKey: KEY, baseUrl, ...(auth === undefined ? {} : { auth }) }),
    model: 'gemini-live-test',
  });

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('createLiveToken against a hostile gateway', () => {
  it.each([
    [307, undefined],
    [308, undefined],
    [302, undefined],
    [307, 'bearer' as const],
  ])(
    'a %i redirect to another origin (auth %s) sends the key nowhere and fails typed',
    async (status, auth) => {
      const stolen: IncomingHttpHeaders[] = [];
      await using other = await listenOnLoopback((request, response) => {
        stolen.push(request.headers);
        request.resume();
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{"name":"auth_tokens/stolen"}');
      });
      await using gateway = await listenOnLoopback((request, response) => {
        request.resume();
        response.writeHead(status, { location: `${other.url}/v1alpha/auth_tokens` }).end();
      });
      const error = await failure(createLiveToken(agentAt(gateway.url, auth)));
      expect(stolen).toEqual([]);
      expect(ApiCallError.isInstance(error) && error.status).toBe(status);
      expect((error as Error).message).toMatch(/redirect/);
      expect(JSON.stringify(error)).not.toContain(KEY);
    },
  );

  it.each([
    ['a 200 of 100 MiB', 200, 100 * MIB],
    ['an endless 500', 500, Number.POSITIVE_INFINITY],
  ])('%s is not read past a cap: a typed error', async (_name, status, bytes) => {
    let written = 0;
    await using gateway = await listenOnLoopback((request, response) => {
      request.resume();
      response.writeHead(status, { 'content-type': 'application/json' });
      dripResponse(response, {
        head: '{"name":"auth_tokens/',
        filler: 'a'.repeat(64 * 1024),
        bytes,
        tail: '"}',
        onWrite: (count) => {
          written += count;
        },
      });
    });
    const error = await failure(createLiveToken(agentAt(gateway.url)));
    expect(GemloopError.isInstance(error)).toBe(true);
    expect(JSON.stringify(error)).not.toContain(KEY);
    expect(written).toBeLessThan(90 * MIB);
  });
});
