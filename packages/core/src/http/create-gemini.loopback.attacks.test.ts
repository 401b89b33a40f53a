import { createAgent, createGemini } from '@gemloop/core';
import { InvalidArgumentError } from '@gemloop/core/errors';
import { listenOnLoopback } from '@gemloop/testing';
import { describe, expect, it } from 'vitest';

// attack16 (left by attack15): the clear-text rule refused two spellings attack15 noted as
// "reaching this machine". Decided by where the bytes go, not by the spelling:
// - `[::ffff:127.x.y.z]` (an IPv4-mapped 127/8 address; the URL parser writes it
//   `[::ffff:7fXX:XXXX]`) is routed by the kernel to the IPv4 loopback: it never leaves the
//   machine (proved below by reaching the fake on 127.0.0.1 through it). Accepted.
// - `localhost.` (trailing dot) is not in /etc/hosts as glibc matches it: `getaddrinfo` sends it
//   to DNS, whose answer an attacker on the path chooses. Still refused (the fix named: drop the
//   dot, or `allowInsecureHttp: true`).
// - Any other mapped address (`[::ffff:10.0.0.1]`, the metadata address) and the old
//   IPv4-compatible `[::127.0.0.1]` (not routed to loopback) stay refused.

function refusal(options: Record<string, unknown>): InvalidArgumentError {
  try {
    createGemini(options as never);
  } catch (error) {
    if (InvalidArgumentError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('createGemini accepted it');
}

describe('createGemini, plain http to loopback spelt another way', () => {
  it.each([
    ['an IPv4-mapped 127.0.0.1', 'http://[::ffff:127.0.0.1]:8080', 'http://[::ffff:7f00:1]:8080'],
    ['an IPv4-mapped 127.9.8.7', 'http://[::ffff:127.9.8.7]', 'http://[::ffff:7f09:807]'],
    ['the mapped form in hex', 'http://[::FFFF:7F00:1]/v1beta', 'http://[::ffff:7f00:1]'],
    ['the mapped form written out', 'http://[0:0:0:0:0:ffff:7f00:0001]', 'http://[::ffff:7f00:1]'],
  ])('accepts %s', (_label, baseUrl, normalized) => {
    expect(createGemini({ apiKey: 'k', baseUrl }).baseUrl).toBe(normalized);
  });

  it.each([
    ['localhost. (resolved by DNS, not /etc/hosts)', 'http://localhost.:8080'],
    ['a mapped private address', 'http://[::ffff:10.0.0.1]'],
    ['the mapped metadata address', 'http://[::ffff:169.254.169.254]'],
    ['a mapped address one below 127/8', 'http://[::ffff:126.255.255.255]'],
    ['a mapped address one above 127/8', 'http://[::ffff:128.0.0.0]'],
    ['the IPv4-compatible 127.0.0.1 (not loopback)', 'http://[::127.0.0.1]'],
    ['a longer address ending like the mapped form', 'http://[1::ffff:7f00:1]'],
  ])('refuses %s, naming baseUrl and the fix', (_label, baseUrl) => {
    const error = refusal({ apiKey: 'k-S3CR3T', baseUrl });
    expect(error.argument).toBe('baseUrl');
    expect(error.message).toMatch(/allowInsecureHttp: true/);
    expect(error.message).not.toContain('S3CR3T');
  });

  it('reaches a server on 127.0.0.1 through the mapped address', async () => {
    // A server of the test's own on 127.0.0.1 (the fake Gemini refuses any Host but 127.0.0.1 and
    // localhost: its guard against DNS rebinding). `transport: 'fetch'`: the node-transport
    // project's msw bridge routes only 127.0.0.1 and localhost to a real server.
    const seen: { host?: string | undefined; key?: string | undefined }[] = [];
    await using server = await listenOnLoopback((request, response) => {
      request.resume();
      request.on('end', () => {
        seen.push({ host: request.headers.host, key: request.headers['x-goog-api-key'] as string });
        response.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            candidates: [
              {
                content: { role: 'model', parts: [{ text: 'on loopback' }] },
                finishReason: 'STOP',
              },
            ],
          }),
        );
      });
    });
    const gemini = createGemini({
      apiKey: 'k-local',
      baseUrl: `http://[::ffff:127.0.0.1]:${server.port}`,
      retry: false,
      transport: 'fetch',
    });
    const result = await createAgent({ gemini, model: 'gemini-2.5-flash' }).run('hello');
    expect(result.text).toBe('on loopback');
    expect(seen).toEqual([{ host: `[::ffff:7f00:1]:${server.port}`, key: 'k-local' }]);
  });
});
