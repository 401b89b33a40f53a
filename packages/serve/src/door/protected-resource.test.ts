import { InvalidArgumentError } from '@gemloop/core/errors';
import { turn } from '@gemloop/testing';
import {
  discoverOAuthProtectedResourceMetadata,
  extractResourceMetadataUrl,
  extractWWWAuthenticateParams,
  UnauthorizedError,
} from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { describe, expect, it, onTestFinished } from 'vitest';
import { agentOnFake } from '../__fixtures__/order-fixtures.ts';
import { createMcpServer } from '../mcp/create-mcp-server.ts';
import type { FetchHandler } from '../mcp/mcp-http-handler.ts';
import { memoryOAuthProvider, startFakeIssuer } from './__fixtures__/fake-issuer.ts';
import { listenForTest } from './__fixtures__/serve-door.ts';
import { InsufficientScopeError } from './insufficient-scope-error.ts';
import { authorizeBearer, createProtectedResource, readBearerToken } from './protected-resource.ts';

// The doors as OAuth 2.0 resource servers (issue 56, item 6): RFC 9728 metadata, the
// WWW-Authenticate challenge of the MCP authorization spec, tokens checked by `authorize`;
// the official MCP client signs in against a fake issuer on 127.0.0.1, all offline.

/** A door on 127.0.0.1 whose handler is set once its URL is known (the resource names it). */
async function listen(): Promise<{ origin: string; serve: (handler: FetchHandler) => void }> {
  let current: FetchHandler = async () => new Response(null, { status: 503 });
  const origin = await listenForTest((request) => current(request));
  return {
    origin,
    serve: (handler) => {
      current = handler;
    },
  };
}

describe('createProtectedResource', () => {
  it('puts the metadata at the well-known path with the resource path after it (RFC 9728 §3.1)', async () => {
    const resource = createProtectedResource({
      resource: 'https://agents.example.com/tenants/mcp',
      authorizationServers: ['https://auth.example.com'],
      scopesSupported: ['agents:ask'],
      resourceName: 'Support agents',
    });
    expect(resource.metadataUrl).toBe(
      'https://agents.example.com/.well-known/oauth-protected-resource/tenants/mcp',
    );
    expect(resource.challenge).toBe(
      'Bearer resource_metadata="https://agents.example.com/.well-known/oauth-protected-resource/tenants/mcp", scope="agents:ask"',
    );
    const response = resource.serveMetadata(new Request(resource.metadataUrl));
    expect(response?.status).toBe(200);
    expect(response?.headers.get('access-control-allow-origin')).toBe('*');
    expect(await response?.json()).toEqual({
      resource: 'https://agents.example.com/tenants/mcp',
      authorization_servers: ['https://auth.example.com'],
      bearer_methods_supported: ['header'],
      scopes_supported: ['agents:ask'],
      resource_name: 'Support agents',
    });
    expect(
      resource.serveMetadata(new Request('https://agents.example.com/tenants/mcp')),
    ).toBeUndefined();
    expect(
      resource.serveMetadata(new Request(resource.metadataUrl, { method: 'POST', body: '{}' }))
        ?.status,
    ).toBe(405);
    const root = createProtectedResource({
      resource: 'https://agents.example.com',
      authorizationServers: ['https://auth.example.com'],
    });
    expect(root.metadataPath).toBe('/.well-known/oauth-protected-resource');
    expect(root.challenge).toBe(
      'Bearer resource_metadata="https://agents.example.com/.well-known/oauth-protected-resource"',
    );
  });

  it('refuses a resource or issuers it cannot publish, naming the fix', () => {
    for (const [options, argument] of [
      [{ resource: '/mcp', authorizationServers: ['https://a.example'] }, 'resource'],
      [
        { resource: 'https://x.example/mcp#a', authorizationServers: ['https://a.example'] },
        'resource',
      ],
      [
        { resource: 'ftp://x.example/mcp', authorizationServers: ['https://a.example'] },
        'resource',
      ],
      [{ resource: 'https://x.example/mcp', authorizationServers: [] }, 'authorizationServers'],
      [
        { resource: 'https://x.example/mcp', authorizationServers: ['nope'] },
        'authorizationServers',
      ],
      [
        {
          resource: 'https://x.example/mcp',
          authorizationServers: ['https://a.example'],
          scopesSupported: ['a b'],
        },
        'scopesSupported',
      ],
    ] as const) {
      let error: unknown;
      try {
        createProtectedResource(options as never);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error).toMatchObject({ argument });
    }
  });

  it('reads only a well-formed bearer token from the header', async () => {
    const with_ = (authorization?: string) =>
      new Request(
        'http://x/mcp',
        authorization === undefined ? {} : { headers: { authorization } },
      );
    expect(readBearerToken(with_('Bearer abc.DEF-_~+/=='))).toBe('abc.DEF-_~+/==');
    expect(readBearerToken(with_('bearer abc'))).toBe('abc');
    for (const bad of [undefined, 'Basic abc', 'Bearer', 'Bearer a b', 'Bearer a"b']) {
      expect(readBearerToken(with_(bad))).toBeUndefined();
    }
    const seen: string[] = [];
    const authorize = authorizeBearer((token) => {
      seen.push(token);
      return token === 'good' ? 'alice' : null;
    });
    expect(await authorize(with_('Bearer good'))).toBe('alice');
    expect(await authorize(with_('Bearer bad'))).toBeNull();
    expect(await authorize(with_())).toBeNull();
    expect(seen).toEqual(['good', 'bad']);
    expect(() => authorizeBearer('x' as never)).toThrow(InvalidArgumentError);
  });
});

describe('the MCP door as a resource server', () => {
  async function serveProtected(script = [turn.text('Signed in and answered.')]) {
    const issuer = await startFakeIssuer({ subject: 'alice' });
    const { origin, serve } = await listen();
    const resource = `${origin}/mcp`;
    const { agent } = agentOnFake(script);
    const owners: string[] = [];
    const door = createMcpServer({
      agents: { support: agent },
      protectedResource: createProtectedResource({
        resource,
        authorizationServers: [issuer.issuer],
      }),
      authorize: authorizeBearer((token) => {
        // A token issued with scope "read" only: the door needs "agents".
        if (
          JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()).scope ===
          'read'
        ) {
          throw new InsufficientScopeError({ scopes: ['agents'] });
        }
        const owner = issuer.verifyToken(token, resource);
        if (owner !== null) owners.push(owner);
        return owner;
      }),
    });
    onTestFinished(() => door.close());
    serve(door.handler());
    return { issuer, origin, resource, owners };
  }

  it('answers 401 with the challenge the MCP SDK reads, and serves the metadata it points at', async () => {
    const { issuer, origin, resource } = await serveProtected();
    const refused = await fetch(`${origin}/mcp`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(refused.status).toBe(401);
    const metadataUrl = extractResourceMetadataUrl(refused);
    expect(metadataUrl?.href).toBe(`${origin}/.well-known/oauth-protected-resource/mcp`);
    // The SDK's own discovery, as Claude, Cursor and VS Code run it.
    expect(await discoverOAuthProtectedResourceMetadata(resource)).toMatchObject({
      resource,
      authorization_servers: [issuer.issuer],
    });
  });

  it('lets the official MCP client sign in at the fake issuer and call the agent as its owner', async () => {
    const { issuer, resource, owners } = await serveProtected();
    const provider = memoryOAuthProvider();
    const first = new StreamableHTTPClientTransport(new URL(resource), { authProvider: provider });
    await expect(
      new Client({ name: 'oauth-client', version: '1.0.0' }).connect(first),
    ).rejects.toBeInstanceOf(UnauthorizedError);
    // The SDK found the issuer through the door's metadata and asked for a token for the door.
    const sentTo = provider.sentTo[0] as URL;
    expect(sentTo.origin).toBe(issuer.issuer);
    expect(sentTo.searchParams.get('resource')).toBe(resource);
    await first.finishAuth(issuer.authorize(sentTo));
    await first.close();

    const client = new Client({ name: 'oauth-client', version: '1.0.0' });
    onTestFinished(() => client.close());
    await client.connect(
      new StreamableHTTPClientTransport(new URL(resource), { authProvider: provider }),
    );
    const result = await client.callTool({ name: 'ask_support', arguments: { message: 'Hi' } });
    expect(result.structuredContent).toEqual({ answer: 'Signed in and answered.' });
    expect(new Set(owners)).toEqual(new Set(['alice']));
  });

  it.each([
    ['issued for another resource', { aud: 'https://elsewhere.example/mcp' }],
    ['expired', { exp: 1 }],
    ['from another issuer', { iss: 'https://evil.example' }],
  ])('refuses a token %s with 401 and the challenge', async (_case, claims) => {
    const { issuer, origin, resource } = await serveProtected();
    const response = await fetch(resource, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${issuer.issue({ aud: resource, ...claims })}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp"`,
    );
    expect(await response.text()).not.toContain('eyJ');
  });

  it('answers a token without the needed scope 403 insufficient_scope, for the step-up', async () => {
    const { issuer, origin, resource } = await serveProtected();
    const response = await fetch(resource, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${issuer.issue({ aud: resource, scope: 'read' })}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(response.status).toBe(403);
    // As the SDK's client reads it before asking the user for more scope.
    expect(extractWWWAuthenticateParams(response)).toMatchObject({
      error: 'insufficient_scope',
      scope: 'agents',
      resourceMetadataUrl: new URL(`${origin}/.well-known/oauth-protected-resource/mcp`),
    });
  });
});
