import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebFetchTool, type WebFetchError } from '../index.ts';
import { fetchRefusal } from './__fixtures__/fetch-refusal.ts';
import { startTestServer, type TestServer } from './__fixtures__/test-server.ts';

// attack59b: a URL's "user:password@" was kept out of the error only when the URL was otherwise
// fetchable. A URL refused for another reason first (not http or https, longer than the limit,
// not a URL at all) came back with its credentials in the message and in `url`, which go to the
// model, the log, the span and the recording; so did a redirect's Location of the same kinds.

const SECRET = 's3cr3t-pa55';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({
    '/to-ftp': (_request, response) => {
      response.writeHead(302, { location: `ftp://alice:${SECRET}@files.example.com/a` }).end();
    },
    '/to-long': (_request, response) => {
      response
        .writeHead(302, {
          location: `https://alice:${SECRET}@example.com/${'a'.repeat(3000)}`,
        })
        .end();
    },
  });
});
afterAll(async () => {
  await server.close();
});

function refusal(url: string): Promise<WebFetchError> {
  const tool = createWebFetchTool({
    allowedAddressRanges: ['127.0.0.1'],
    lookup: async () => [{ address: '192.0.2.1', family: 4 }],
  });
  return fetchRefusal(tool, url);
}

describe('a URL with credentials, refused for another reason', () => {
  it.each([
    ['an ftp URL', `ftp://alice:${SECRET}@files.example.com/a`, 'not ftp: URLs'],
    ['a javascript URL', `javascript://alice:${SECRET}@x/%0aalert(1)`, 'not javascript: URLs'],
    [
      'a URL over the length limit',
      `https://alice:${SECRET}@example.com/${'a'.repeat(3000)}`,
      'the limit is 2048',
    ],
    [
      'a URL with a space in the host',
      `http://alice:${SECRET}@exa mple.com/`,
      'not a valid absolute URL',
    ],
    ['a URL with a broken IPv6 host', `http://alice:${SECRET}@[::1/`, 'not a valid absolute URL'],
    [
      'a password holding a slash',
      `http://alice:pa/${SECRET}@example.com/`,
      'not a valid absolute URL',
    ],
  ])('%s: refused, saying why, without the password', async (_name, url, why) => {
    const error = await refusal(url);
    expect(error.reason).toBe('invalid-url');
    expect(error.message).toContain(why);
    expect(`${error.message} ${error.url}`).not.toContain(SECRET);
    expect(JSON.stringify(error)).not.toContain(SECRET);
  });

  it('an unparseable URL still shows the rest of itself, so the model can see what to fix', async () => {
    const error = await refusal(`http://alice:${SECRET}@exa mple.com/page`);
    expect(error.message).toContain('exa mple.com/page');
  });

  it.each([
    ['/to-ftp', 'not ftp: URLs'],
    ['/to-long', 'the limit is 2048'],
  ])(
    'a redirect (%s) whose Location carries credentials: refused without them',
    async (path, why) => {
      const error = await refusal(`${server.origin}${path}`);
      expect(error.reason).toBe('invalid-url');
      expect(error.message).toContain(why);
      expect(`${error.message} ${error.url}`).not.toContain(SECRET);
    },
  );
});
