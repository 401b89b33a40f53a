import { InvalidArgumentError, type ToolExecuteContext } from '@gemloop/core';
import { silentLogger } from '@gemloop/core/logging';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TestServer } from './__fixtures__/test-server.ts';
import { startTestServer } from './__fixtures__/test-server.ts';
import { createWebFetchTool } from './create-web-fetch-tool.ts';
import type { LookupFunction } from './resolve-host.ts';
import { WebFetchError } from './web-fetch-error.ts';
import type { WebFetchArgs } from './web-fetch-types.ts';

function context(signal: AbortSignal = new AbortController().signal): ToolExecuteContext {
  return { signal, toolCallId: 'call-1', step: 1, logger: silentLogger, contents: [] };
}

/** A resolver that must not be reached: literal addresses and metadata names need no DNS. */
const noLookup: LookupFunction = () => {
  throw new Error('DNS must not be consulted');
};

async function refusal(
  tool: ReturnType<typeof createWebFetchTool>,
  args: WebFetchArgs,
): Promise<WebFetchError> {
  try {
    await tool.execute(args, context());
  } catch (error) {
    if (WebFetchError.isInstance(error)) return error;
    throw error;
  }
  throw new Error(`expected ${args.url} to be refused`);
}

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({
    '/json': (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    },
    '/to-private': (_request, response) => {
      response.writeHead(302, { location: `http://127.0.0.2:${server.port}/json` }).end();
    },
    '/to-ipv6-loopback': (_request, response) => {
      response.writeHead(302, { location: `http://[::1]:${server.port}/json` }).end();
    },
    '/to-metadata': (_request, response) => {
      response.writeHead(301, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    },
    '/to-file': (_request, response) => {
      response.writeHead(302, { location: 'file:///etc/passwd' }).end();
    },
  });
});

afterAll(async () => {
  await server.close();
});

describe('createWebFetchTool', () => {
  describe('refuses internal targets before connecting', () => {
    const tool = createWebFetchTool({ lookup: noLookup });

    it.each([
      [
        'http://127.0.0.1/',
        'Refused to fetch http://127.0.0.1/: 127.0.0.1 is a loopback address. Only public internet addresses can be fetched.',
      ],
      [
        'http://[::1]/',
        'Refused to fetch http://[::1]/: ::1 is a loopback address. Only public internet addresses can be fetched.',
      ],
      [
        'http://169.254.169.254/latest/meta-data',
        'Refused to fetch http://169.254.169.254/latest/meta-data: 169.254.169.254 is a cloud metadata endpoint. Only public internet addresses can be fetched.',
      ],
      [
        'http://0x7f000001/',
        'Refused to fetch http://127.0.0.1/: 127.0.0.1 is a loopback address. Only public internet addresses can be fetched.',
      ],
      [
        'http://2130706433/',
        'Refused to fetch http://127.0.0.1/: 127.0.0.1 is a loopback address. Only public internet addresses can be fetched.',
      ],
      [
        'http://0177.0.0.1/',
        'Refused to fetch http://127.0.0.1/: 127.0.0.1 is a loopback address. Only public internet addresses can be fetched.',
      ],
      [
        'http://[::ffff:127.0.0.1]/',
        'Refused to fetch http://[::ffff:7f00:1]/: 127.0.0.1 is a loopback address. Only public internet addresses can be fetched.',
      ],
      [
        'http://[::ffff:a9fe:a9fe]/',
        'Refused to fetch http://[::ffff:a9fe:a9fe]/: 169.254.169.254 is a cloud metadata endpoint. Only public internet addresses can be fetched.',
      ],
      [
        'http://[fd00:ec2::254]/',
        'Refused to fetch http://[fd00:ec2::254]/: fd00:ec2::254 is a cloud metadata endpoint. Only public internet addresses can be fetched.',
      ],
      [
        'http://metadata.google.internal/computeMetadata/v1/',
        'Refused to fetch http://metadata.google.internal/computeMetadata/v1/: metadata.google.internal is a cloud metadata endpoint. Only public internet addresses can be fetched.',
      ],
      [
        'http://METADATA.google.internal./',
        'Refused to fetch http://metadata.google.internal./: metadata.google.internal is a cloud metadata endpoint. Only public internet addresses can be fetched.',
      ],
      [
        'http://0.0.0.0:8080/',
        'Refused to fetch http://0.0.0.0:8080/: 0.0.0.0 is a unspecified address. Only public internet addresses can be fetched.',
      ],
      [
        'http://10.0.0.1/',
        'Refused to fetch http://10.0.0.1/: 10.0.0.1 is a private-network address. Only public internet addresses can be fetched.',
      ],
      [
        'http://100.64.1.1/',
        'Refused to fetch http://100.64.1.1/: 100.64.1.1 is a carrier-grade NAT address. Only public internet addresses can be fetched.',
      ],
      [
        'http://[fe80::1]/',
        'Refused to fetch http://[fe80::1]/: fe80::1 is a link-local address. Only public internet addresses can be fetched.',
      ],
      [
        'http://224.0.0.1/',
        'Refused to fetch http://224.0.0.1/: 224.0.0.1 is a multicast address. Only public internet addresses can be fetched.',
      ],
    ])('%s', async (url, message) => {
      const error = await refusal(tool, { url });
      expect(error.reason).toBe('address-not-allowed');
      expect(error.message).toBe(message);
    });

    it('refuses non-http schemes', async () => {
      for (const url of ['file:///etc/passwd', 'ftp://example.com/', 'gopher://127.0.0.1/']) {
        expect((await refusal(tool, { url })).reason).toBe('invalid-url');
      }
    });
  });

  it('refuses a public-looking name that resolves to a private address', async () => {
    const lookup = vi.fn<LookupFunction>(async () => [{ address: '10.1.2.3', family: 4 }]);
    const tool = createWebFetchTool({ lookup });
    const error = await refusal(tool, { url: 'https://totally-public.example/' });
    expect(error.reason).toBe('address-not-allowed');
    expect(error.message).toBe(
      'Refused to fetch https://totally-public.example/: totally-public.example resolves to 10.1.2.3 is a private-network address. Only public internet addresses can be fetched.',
    );
    expect(lookup).toHaveBeenCalledWith('totally-public.example');
  });

  it('refuses a name whose answers mix public and internal addresses', async () => {
    const tool = createWebFetchTool({
      lookup: async () => [
        { address: '93.184.216.34', family: 4 },
        { address: '::ffff:127.0.0.1', family: 6 },
      ],
    });
    const error = await refusal(tool, { url: 'http://rebind.example/' });
    expect(error.message).toContain('rebind.example resolves to 127.0.0.1 is a loopback address');
  });

  it('reports a name that does not resolve', async () => {
    const tool = createWebFetchTool({
      lookup: async () => {
        throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
      },
    });
    const error = await refusal(tool, { url: 'https://no-such-host.example/' });
    expect(error.reason).toBe('dns');
    expect(error.message).toBe(
      'The host no-such-host.example could not be resolved (ENOTFOUND). Check the spelling of the URL.',
    );
  });

  it.each([null, undefined, 'no such host', 42])(
    'reports a resolver that rejects with %j as a dns error',
    async (thrown) => {
      const tool = createWebFetchTool({
        lookup: () => Promise.reject(thrown),
      });
      const error = await refusal(tool, { url: 'https://odd-resolver.example/' });
      expect(error.reason).toBe('dns');
      expect(error.message).toBe(
        'The host odd-resolver.example could not be resolved. Check the spelling of the URL.',
      );
    },
  );

  it('refuses the IPv4-compatible, NAT64 and 6to4 forms of the metadata endpoint with allowPrivateNetwork', async () => {
    const tool = createWebFetchTool({ allowPrivateNetwork: true, lookup: noLookup });
    for (const host of [
      '[::169.254.169.254]',
      '[::a9fe:a9fe]',
      '[64:ff9b::a9fe:a9fe]',
      '[2002:a9fe:a9fe::]',
      '168.63.129.16',
    ]) {
      const error = await refusal(tool, { url: `http://${host}/` });
      expect(error.reason).toBe('address-not-allowed');
      expect(error.message).toContain('is a cloud metadata endpoint');
    }
    const lookup: LookupFunction = async () => [{ address: '::a9fe:a9fe', family: 6 }];
    const named = createWebFetchTool({ allowPrivateNetwork: true, lookup });
    expect((await refusal(named, { url: 'http://metadata.example/' })).message).toContain(
      'metadata.example resolves to ::a9fe:a9fe (169.254.169.254) is a cloud metadata endpoint',
    );
  });

  it('refuses the IPv4-compatible form of loopback', async () => {
    const tool = createWebFetchTool({ lookup: noLookup });
    const error = await refusal(tool, { url: 'http://[::127.0.0.1]:9/' });
    expect(error.reason).toBe('address-not-allowed');
    expect(error.message).toContain('::7f00:1 (127.0.0.1) is a loopback address');
  });

  it('resolves names through the system by default and refuses localhost', async () => {
    // /etc/hosts answers for localhost, so this needs no network.
    const error = await refusal(createWebFetchTool(), { url: 'http://localhost:9/' });
    expect(error.reason).toBe('address-not-allowed');
    expect(error.message).toMatch(
      /^Refused to fetch http:\/\/localhost:9\/: localhost resolves to (127\.0\.0\.1|::1) is a loopback address\./,
    );
  });

  it('refuses the test server itself by default', async () => {
    const error = await refusal(createWebFetchTool(), { url: `${server.origin}/json` });
    expect(error.reason).toBe('address-not-allowed');
    expect(server.requests).toHaveLength(0);
  });

  it('keeps refusing metadata endpoints with allowPrivateNetwork', async () => {
    const tool = createWebFetchTool({ allowPrivateNetwork: true, lookup: noLookup });
    expect((await refusal(tool, { url: 'http://169.254.169.254/' })).reason).toBe(
      'address-not-allowed',
    );
    expect((await refusal(tool, { url: 'http://metadata.google.internal/' })).reason).toBe(
      'address-not-allowed',
    );
  });

  describe('on redirects', () => {
    // Only the server's own address is opened, so a redirect elsewhere inside is refused.
    const tool = createWebFetchTool({ allowedAddressRanges: ['127.0.0.1'] });

    it('fetches from an address opened by allowedAddressRanges', async () => {
      const result = await tool.execute({ url: `${server.origin}/json` }, context());
      expect(result.content).toBe('{"ok":true}');
    });

    it('refuses a redirect to another private address', async () => {
      const error = await refusal(tool, { url: `${server.origin}/to-private` });
      expect(error.reason).toBe('address-not-allowed');
      expect(error.url).toBe(`http://127.0.0.2:${server.port}/json`);
      expect(error.message).toContain('127.0.0.2 is a loopback address');
    });

    it('refuses a redirect to IPv6 loopback', async () => {
      const error = await refusal(tool, { url: `${server.origin}/to-ipv6-loopback` });
      expect(error.message).toContain('::1 is a loopback address');
    });

    it('refuses a redirect to the metadata endpoint even with allowPrivateNetwork', async () => {
      const open = createWebFetchTool({ allowPrivateNetwork: true });
      const error = await refusal(open, { url: `${server.origin}/to-metadata` });
      expect(error.message).toContain('169.254.169.254 is a cloud metadata endpoint');
    });

    it('refuses a redirect to a file: URL', async () => {
      const error = await refusal(tool, { url: `${server.origin}/to-file` });
      expect(error.reason).toBe('invalid-url');
      expect(error.message).toBe('Only http and https URLs can be fetched, not file: URLs.');
    });
  });

  it('validates its options', () => {
    expect(() => createWebFetchTool({ maxRedirects: -1 })).toThrow(InvalidArgumentError);
    expect(() => createWebFetchTool({ timeoutMs: 0 })).toThrow(
      'createWebFetchTool: timeoutMs must be a whole number from 1 to 600000, got 0.',
    );
    expect(() => createWebFetchTool({ allowedHosts: ['http://x.com/'] })).toThrow(
      /createWebFetchTool: allowedHosts: host list entry "http:\/\/x.com\/" must be a host name/,
    );
    expect(() => createWebFetchTool({ allowedAddressRanges: ['everything'] })).toThrow(
      InvalidArgumentError,
    );
    expect(() => createWebFetchTool({ lookup: 'dns' as unknown as LookupFunction })).toThrow(
      InvalidArgumentError,
    );
    expect(() => createWebFetchTool({ maxConversionWorkers: 0 })).toThrow(
      'createWebFetchTool: maxConversionWorkers must be a whole number from 1 to 64, got 0.',
    );
    expect(() => createWebFetchTool({ maxConversionWorkers: 1.5 })).toThrow(InvalidArgumentError);
    expect(() => createWebFetchTool({ maxConversionWorkers: Infinity })).not.toThrow();
    expect(() => createWebFetchTool({ maxConversionWorkers: 8 })).not.toThrow();
  });

  it('declares a url argument with examples and paging', () => {
    const tool = createWebFetchTool({ maxChars: 5000 });
    expect(tool.name).toBe('web_fetch');
    expect(tool.description).toContain('internal, private-network and local addresses are refused');
    expect(tool.declaration.parametersJsonSchema).toMatchObject({
      required: ['url'],
      properties: {
        url: { type: 'string', maxLength: 2048 },
        format: { enum: ['markdown', 'raw'] },
        startIndex: { type: 'integer', minimum: 0 },
        maxChars: { type: 'integer', maximum: 5000 },
      },
    });
    expect(tool.parseArgs({ url: 'https://example.com', maxChars: 6000 }).success).toBe(false);
  });
});
