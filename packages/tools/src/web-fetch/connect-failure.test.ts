import { createAgent, createGemini, type ToolExecuteContext } from '@gemloop/core';
import { silentLogger } from '@gemloop/core/logging';
import type { FakeGemini } from '@gemloop/testing';
import { createFakeGemini, turn } from '@gemloop/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createWebFetchTool } from './create-web-fetch-tool.ts';
import type { LookupFunction } from './resolve-host.ts';
import { WebFetchError } from './web-fetch-error.ts';

// Issue 10: a connection that fails inside connect() itself (ENETUNREACH, EPERM, EACCES, EINVAL)
// used to raise its 'error' before Node's HTTP client listened to the socket, because the pinned
// lookup answered synchronously: an unhandled 'error' event that killed the process. Vitest
// reports such an event as an unhandled error and fails the run, so these tests passing means the
// process survived; each also checks the model gets a typed `network` error it can act on.

function context(): ToolExecuteContext {
  return {
    signal: new AbortController().signal,
    toolCallId: 'call-1',
    step: 1,
    logger: silentLogger,
    contents: [],
  };
}

async function failure(promise: unknown): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the fetch to fail');
}

// Linux refuses a TCP connect to a multicast address inside connect() with ENETUNREACH, the same
// synchronous failure an IPv6-only host gets on an IPv4-only machine or an egress firewall gives.
// The host is a name: Node defers the connect of an IP literal by a tick on its own, so only a
// name goes through the pinned lookup that answered synchronously.
const MULTICAST = '224.0.0.1';
const toMulticast: LookupFunction = async () => [{ address: MULTICAST, family: 4 }];

const fakes: FakeGemini[] = [];
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

describe('web fetch when connect() fails at once', () => {
  it('returns a network error for an address the kernel refuses to connect to', async () => {
    const tool = createWebFetchTool({
      allowedAddressRanges: ['224.0.0.0/4'],
      lookup: toMulticast,
      timeoutMs: 5000,
    });
    const error = (await failure(
      tool.execute({ url: 'http://unreachable.test/' }, context()),
    )) as WebFetchError;
    expect(WebFetchError.isInstance(error)).toBe(true);
    expect(error.reason).toBe('network');
    expect(error.message).toBe(
      `Could not get a response from unreachable.test: the host is unreachable. The site may be down; try again later or use another source.`,
    );
    expect((error.cause as NodeJS.ErrnoException).code).toBe('ENETUNREACH');
  });

  it('returns a network error when an injected resolver answers an address connect() rejects', async () => {
    // A link-local IPv6 address without a scope id: connect() fails synchronously with EINVAL.
    // (An address labelled with the wrong family did this too, until resolveHost took the family
    // from the address itself.)
    const lookup: LookupFunction = async () => [{ address: 'fe80::1', family: 6 }];
    const tool = createWebFetchTool({ allowPrivateNetwork: true, lookup, timeoutMs: 5000 });
    const error = (await failure(
      tool.execute({ url: 'http://mislabelled.test:9/' }, context()),
    )) as WebFetchError;
    expect(WebFetchError.isInstance(error)).toBe(true);
    expect(error.reason).toBe('network');
    expect(error.message).toMatch(/^Could not get a response from mislabelled\.test:9: EINVAL\./);
    expect((error.cause as NodeJS.ErrnoException).code).toBe('EINVAL');
  });

  it('feeds the error back to the model through agent.run, and the run goes on', async () => {
    const fake = createFakeGemini({
      script: [
        turn.call('web_fetch', { url: 'http://unreachable.test/' }),
        turn.text('That host is unreachable.'),
      ],
      seed: 1,
    });
    fakes.push(fake);
    const { url } = await fake.listen();
    const agent = createAgent({
      gemini: createGemini({ baseUrl: url, apiKey: 'test-key', retry: false }),
      model: 'gemini-3-flash-preview',
      tools: [
        createWebFetchTool({
          allowedAddressRanges: ['224.0.0.0/4'],
          lookup: toMulticast,
          timeoutMs: 5000,
        }),
      ],
    });
    try {
      const result = await agent.run('Fetch the multicast page.');
      expect(result.text).toBe('That host is unreachable.');
      const sent = JSON.stringify(fake.modelRequests.at(-1)?.body);
      expect(sent).toContain('the host is unreachable');
    } finally {
      await agent.close();
    }
  });
});
