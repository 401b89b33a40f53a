// A redirect chain to internal addresses in the spellings a URL parser and a resolver accept
// (attack-core11): octal, decimal and hex IPv4, IPv4-mapped IPv6, a trailing dot, userinfo in
// front of the metadata endpoint, the IPv6 and the other clouds' metadata addresses, a chain of
// three hops that ends inside. Only the test server's own address is opened; each must be refused
// before a connection, naming why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchRefusal } from './__fixtures__/fetch-refusal.ts';
import { startTestServer, type TestServer } from './__fixtures__/test-server.ts';
import { createWebFetchTool } from './create-web-fetch-tool.ts';
import type { WebFetchError } from './web-fetch-error.ts';

const targets = (port: number): Record<string, string> => ({
  octal: `http://0177.0.0.2:${port}/secret`,
  decimal: `http://2130706434:${port}/secret`,
  hex: `http://0x7f.0.0.2:${port}/secret`,
  'short form': `http://127.2:${port}/secret`,
  'IPv4-mapped IPv6': `http://[::ffff:127.0.0.2]:${port}/secret`,
  'IPv4-mapped metadata': 'http://[::ffff:a9fe:a9fe]/latest/meta-data/',
  'metadata with a trailing dot': 'http://169.254.169.254./latest/meta-data/',
  'metadata name with a trailing dot': 'http://metadata.google.internal./computeMetadata/v1/',
  'userinfo before the metadata endpoint':
    'http://alice:s3cr3t-token@169.254.169.254/latest/meta-data/',
  'AWS IPv6 metadata': 'http://[fd00:ec2::254]/latest/meta-data/',
  'Alibaba metadata': 'http://100.100.100.200/latest/meta-data/',
  'unspecified address': `http://0.0.0.0:${port}/secret`,
});

let server: TestServer;
const reached: string[] = [];
beforeAll(async () => {
  const routes: Parameters<typeof startTestServer>[0] = {
    '/secret': (request, response) => {
      reached.push(request.url ?? '');
      response.writeHead(200, { 'content-type': 'text/plain' }).end('internal secret');
    },
  };
  for (const [name, location] of Object.entries(targets(0))) {
    routes[`/to/${encodeURIComponent(name)}`] = (_request, response) => {
      const url = Object.entries(targets(server.port)).find(([other]) => other === name)?.[1];
      response.writeHead(302, { location: url ?? location }).end();
    };
  }
  routes['/hop1'] = (_request, response) => {
    response.writeHead(301, { location: `${server.origin}/hop2` }).end();
  };
  routes['/hop2'] = (_request, response) => {
    response.writeHead(307, { location: `http://[::ffff:7f00:2]:${server.port}/secret` }).end();
  };
  server = await startTestServer(routes);
});
afterAll(async () => {
  await server.close();
});

function refusal(url: string): Promise<WebFetchError> {
  return fetchRefusal(createWebFetchTool({ allowedAddressRanges: ['127.0.0.1'] }), url);
}

describe('a redirect to an internal address, spelled otherwise', () => {
  for (const name of Object.keys(targets(0))) {
    it(`${name}: refused, nothing inside reached`, async () => {
      reached.length = 0;
      const error = await refusal(`${server.origin}/to/${encodeURIComponent(name)}`);
      expect(['address-not-allowed', 'invalid-url', 'host-not-allowed']).toContain(error.reason);
      expect(reached).toEqual([]);
      // The credentials a Location carried are not repeated (the error goes to the model).
      expect(`${error.message} ${String(error.url)}`).not.toContain('s3cr3t-token');
    });
  }
  it('a chain of three hops ending at an IPv4-mapped loopback: refused at the last', async () => {
    reached.length = 0;
    const error = await refusal(`${server.origin}/hop1`);
    expect(error.reason).toBe('address-not-allowed');
    expect(reached).toEqual([]);
  });
});
