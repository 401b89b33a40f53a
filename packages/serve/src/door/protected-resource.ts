import { InvalidArgumentError } from '@gemloop/core/errors';
import type { RunOwner } from '@gemloop/core/web';

/** The well-known path segment of RFC 9728 (OAuth 2.0 Protected Resource Metadata), §3. */
const WELL_KNOWN = '/.well-known/oauth-protected-resource';
/** A scope token (RFC 6749 §3.3): printable ASCII but space, `"` and backslash. */
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/** Options of {@link createProtectedResource}. */
export type ProtectedResourceOptions = {
  /**
   * The door's own URL as clients reach it, e.g. `https://agents.example.com/mcp`: the
   * `resource` of the metadata and the audience your tokens must be issued for (RFC 8707; the
   * MCP authorization spec requires servers to refuse tokens issued for another resource).
   */
  resource: string;
  /** The issuers of the tokens the door takes (`authorization_servers`), e.g. `['https://auth.example.com']`. */
  authorizationServers: readonly string[];
  /** The scopes a client may ask for (`scopes_supported`); also named in the 401's challenge. */
  scopesSupported?: readonly string[] | undefined;
  /** A human-readable name of the door (`resource_name`). */
  resourceName?: string | undefined;
  /** A page about the door for developers (`resource_documentation`). */
  resourceDocumentation?: string | undefined;
};

/**
 * RFC 9728 protected resource metadata, as published (`OAuthProtectedResourceMetadata` of
 * `@modelcontextprotocol/sdk/shared/auth.js`).
 */
export type ProtectedResourceMetadata = {
  resource: string;
  authorization_servers: string[];
  bearer_methods_supported: ['header'];
  scopes_supported?: string[];
  resource_name?: string;
  resource_documentation?: string;
};

/**
 * A door as an OAuth 2.0 resource server: where its metadata lives, the metadata itself, and the
 * `WWW-Authenticate` challenge of its 401s. Pass it to a door (`createMcpServer`'s
 * `protectedResource`, `mountDoors`), or use its parts in a door of your own.
 */
export type ProtectedResource = {
  /** The metadata's URL (RFC 9728 §3.1: the well-known path with the resource's path after it). */
  readonly metadataUrl: string;
  /** The path part of {@link metadataUrl}, e.g. `/.well-known/oauth-protected-resource/mcp`. */
  readonly metadataPath: string;
  readonly metadata: ProtectedResourceMetadata;
  /**
   * The `WWW-Authenticate` value of a 401 (RFC 6750 §3 with RFC 9728 §5.1's
   * `resource_metadata`): how an MCP client finds the authorization server.
   */
  readonly challenge: string;
  /**
   * The `WWW-Authenticate` value of a 403 for a token without the `scopes` a request needs
   * (RFC 6750 §3.1 `insufficient_scope`, with the metadata): see {@link InsufficientScopeError}.
   */
  insufficientScope(scopes: readonly string[]): string;
  /**
   * Answers a request for the metadata (`GET`/`HEAD` of {@link metadataPath}, and `OPTIONS` for a
   * browser's preflight): a public JSON document, without credentials. `undefined` for any other
   * request, which the door then serves.
   */
  serveMetadata(request: Request): Response | undefined;
};

/**
 * Makes a door an OAuth 2.0 resource server as the MCP authorization spec asks (2025-06-18 and
 * 2025-11-25, "Authorization": servers implement RFC 9728 protected resource metadata and point
 * to it from the `WWW-Authenticate` header of their 401s; clients discover the authorization
 * server there). Token checks stay yours, in the door's `authorize` hook (see
 * {@link authorizeBearer}): check the signature, the issuer, the expiry and that the audience is
 * `resource`.
 *
 * @example
 * ```ts
 * const protectedResource = createProtectedResource({
 *   resource: 'https://agents.example.com/mcp',
 *   authorizationServers: ['https://auth.example.com'],
 * });
 * const door = createMcpServer({
 *   agents: { support },
 *   protectedResource,
 *   authorize: authorizeBearer((token) => ownerOfVerifiedToken(token)),
 * });
 * ```
 * @throws {@link InvalidArgumentError} for a `resource` that is not an absolute http(s) URL without
 *   a fragment, or no authorization server.
 */
export function createProtectedResource(options: ProtectedResourceOptions): ProtectedResource {
  const fail = (argument: string, message: string): never => {
    throw new InvalidArgumentError({ argument, message: `createProtectedResource: ${message}` });
  };
  if (typeof options !== 'object' || options === null) {
    fail('options', 'takes { resource, authorizationServers }.');
  }
  const resource = parseUrl(options.resource);
  if (resource === undefined || resource.hash !== '') {
    fail(
      'resource',
      'resource must be the absolute http(s) URL of the door, without a fragment, e.g. "https://agents.example.com/mcp".',
    );
  }
  const servers = options.authorizationServers;
  if (
    !Array.isArray(servers) ||
    servers.length === 0 ||
    !servers.every((server) => parseUrl(server) !== undefined)
  ) {
    fail(
      'authorizationServers',
      'authorizationServers must list the issuers of your tokens as http(s) URLs, e.g. ["https://auth.example.com"].',
    );
  }
  const scopes = options.scopesSupported;
  if (
    scopes !== undefined &&
    (!Array.isArray(scopes) || !scopes.every((scope) => SCOPE.test(scope)))
  ) {
    fail('scopesSupported', 'scopesSupported must be scope names (RFC 6749 §3.3 characters).');
  }
  const url = resource as URL;
  // RFC 9728 §3.1: the well-known segment goes between the host and the resource's path.
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  const metadataPath = `${WELL_KNOWN}${path}`;
  const metadataUrl = `${url.origin}${metadataPath}`;
  const metadata: ProtectedResourceMetadata = {
    resource: options.resource,
    authorization_servers: [...servers],
    bearer_methods_supported: ['header'],
    ...(scopes === undefined ? {} : { scopes_supported: [...scopes] }),
    ...(options.resourceName === undefined ? {} : { resource_name: options.resourceName }),
    ...(options.resourceDocumentation === undefined
      ? {}
      : { resource_documentation: options.resourceDocumentation }),
  };
  const body = JSON.stringify(metadata);
  const challenge = `Bearer resource_metadata="${metadataUrl}"${
    scopes === undefined || scopes.length === 0 ? '' : `, scope="${scopes.join(' ')}"`
  }`;
  const cors = {
    'access-control-allow-origin': '*',
    'access-control-allow-methods': 'GET, HEAD, OPTIONS',
  };
  return {
    metadataUrl,
    metadataPath,
    metadata,
    challenge,
    insufficientScope(needed) {
      return insufficientScopeChallenge(needed, metadataUrl);
    },
    serveMetadata(request) {
      if (new URL(request.url).pathname !== metadataPath) return undefined;
      if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers: cors });
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        return new Response(null, {
          status: 405,
          headers: { allow: 'GET, HEAD, OPTIONS', ...cors },
        });
      }
      return new Response(request.method === 'HEAD' ? null : body, {
        status: 200,
        headers: {
          'content-type': 'application/json',
          'cache-control': 'public, max-age=3600',
          ...cors,
        },
      });
    },
  };
}

/**
 * The bearer token of a request (`Authorization: Bearer <token>`, RFC 6750 §2.1), or `undefined`
 * when there is none or the header is malformed. Tokens in the query string are never read.
 */
export function readBearerToken(request: Request): string | undefined {
  const header = request.headers.get('authorization');
  if (header === null) return undefined;
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
  return match?.[1];
}

/**
 * A door's `authorize` hook that reads the bearer token and hands it to `verify`, which returns
 * the caller's owner (a user or tenant id from the token's `sub`, never the token) or `null` to
 * refuse it. A request without a well-formed bearer token is refused without calling `verify`.
 */
export function authorizeBearer(
  verify: (
    token: string,
    request: Request,
  ) => RunOwner | null | undefined | Promise<RunOwner | null | undefined>,
): (request: Request) => Promise<RunOwner | null | undefined> {
  if (typeof verify !== 'function') {
    throw new InvalidArgumentError({
      argument: 'verify',
      message: 'authorizeBearer takes a function (token, request) => owner | null.',
    });
  }
  return async (request) => {
    const token = readBearerToken(request);
    return token === undefined ? null : verify(token, request);
  };
}

/**
 * A 403's `WWW-Authenticate` for a token without `scopes` (RFC 6750 §3.1), naming the metadata
 * when there is one. Scope names that RFC 6749 §3.3 does not allow are left out. @internal
 */
export function insufficientScopeChallenge(
  scopes: readonly string[],
  metadataUrl?: string | undefined,
): string {
  const named = scopes.filter((scope) => SCOPE.test(scope));
  return `Bearer error="insufficient_scope", scope="${named.join(' ')}"${
    metadataUrl === undefined ? '' : `, resource_metadata="${metadataUrl}"`
  }`;
}

function parseUrl(value: unknown): URL | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined;
  } catch {
    return undefined;
  }
}
