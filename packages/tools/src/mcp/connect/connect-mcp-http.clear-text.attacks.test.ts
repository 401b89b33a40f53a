import { InvalidArgumentError } from '@gemloop/core';
import { describe, expect, it } from 'vitest';
import { McpServerError } from '../errors/mcp-server-error.ts';
import { connectMcpHttp } from './connect-mcp-http.ts';

// attack17: connectMcpHttp sent its `headers` (bearer tokens, API keys), the tool calls and their
// results over plain http to any host, where createGemini refuses such a baseUrl. Now the same
// rule: http only to loopback, or with allowInsecureHttp: true. And each option is read once: a
// headers getter gave the check one record and the requests (and the redactor) another.

type Sent = { url: string; authorization: string | null };

/** A fetch that records where each request went, with its credentials, and answers 503. */
function recordingFetch(sent: Sent[]): typeof fetch {
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    sent.push({ url, authorization: new Headers(init?.headers).get('authorization') });
    return new Response('down', { status: 503 });
  };
}

const headers = { authorization: 'Bearer mcp-secret-token' };

describe('connectMcpHttp over plain http', () => {
  it.each([
    ['a public name', 'http://mcp.example.com/mcp'],
    ['a private address', 'http://10.0.0.7:3000/mcp'],
    ['the cloud metadata address', 'http://169.254.169.254/mcp'],
  ])('refuses %s before anything is sent, naming the fix', async (_label, url) => {
    const sent: Sent[] = [];
    const error = await connectMcpHttp({ url, headers, fetch: recordingFetch(sent) }).catch(
      (thrown: unknown) => thrown,
    );
    expect(InvalidArgumentError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ argument: 'url' });
    const message = (error as Error).message;
    expect(message).toContain('https');
    expect(message).toContain('allowInsecureHttp: true');
    expect(message).not.toContain('mcp-secret-token');
    expect(sent).toEqual([]);
  });

  it('refuses an allowInsecureHttp that is not a boolean', async () => {
    const error = await connectMcpHttp({
      url: 'http://10.0.0.7/mcp',
      allowInsecureHttp: 'yes' as unknown as boolean,
    }).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ argument: 'allowInsecureHttp' });
  });

  it('connects to any host with allowInsecureHttp: true (the user said so)', async () => {
    const sent: Sent[] = [];
    const error = await connectMcpHttp({
      url: 'http://10.0.0.7:3000/mcp',
      headers,
      allowInsecureHttp: true,
      fetch: recordingFetch(sent),
    }).catch((thrown: unknown) => thrown);
    expect(McpServerError.isInstance(error)).toBe(true);
    expect(sent[0]).toEqual({
      url: 'http://10.0.0.7:3000/mcp',
      authorization: 'Bearer mcp-secret-token',
    });
  });

  it('reads headers once: a getter cannot pass the check and then change them', async () => {
    const sent: Sent[] = [];
    let reads = 0;
    const error = await connectMcpHttp({
      url: 'https://mcp.example.com/mcp',
      fetch: recordingFetch(sent),
      get headers() {
        reads += 1;
        return { authorization: `Bearer read-${reads}` };
      },
    }).catch((thrown: unknown) => thrown);
    expect(McpServerError.isInstance(error)).toBe(true);
    expect(reads).toBe(1);
    expect(sent.map((each) => each.authorization)).toEqual(['Bearer read-1']);
  });
});
