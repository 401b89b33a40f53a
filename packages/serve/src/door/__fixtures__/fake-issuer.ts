import { createHash, generateKeyPairSync, randomUUID, sign, verify } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type {
  OAuthClientInformationMixed,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import { onTestFinished } from 'vitest';

/** The fields of a registration or token request the fake reads. */
type TokenForm = {
  code?: string;
  code_verifier?: string;
  redirect_uri?: string;
  [field: string]: string | undefined;
};

const base64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/**
 * An OAuth 2.1 authorization server on 127.0.0.1 for tests (RFC 8414 metadata, dynamic client
 * registration, authorization code with PKCE S256, RFC 8707 `resource`), issuing ES256 JWT access
 * tokens whose audience is the resource asked for. `authorize(url)` is the user signing in: it
 * returns the code the redirect would carry. `verifyToken` is what a resource server does with
 * the issuer's public key. Closed when the test ends.
 */
export async function startFakeIssuer(options: { subject?: string } = {}) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const codes = new Map<string, { challenge: string; resource: string | null; redirect: string }>();
  const requests: { method: string; path: string; body: TokenForm }[] = [];
  const server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk) => {
      text += chunk;
    });
    request.on('end', () => {
      const path = new URL(request.url ?? '/', issuer).pathname;
      const body =
        request.headers['content-type']?.includes('json') === true
          ? (JSON.parse(text || '{}') as TokenForm)
          : (Object.fromEntries(new URLSearchParams(text)) as TokenForm);
      requests.push({ method: request.method ?? '', path, body });
      const json = (status: number, value: unknown) =>
        response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      if (path === '/.well-known/oauth-authorization-server') {
        json(200, {
          issuer,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
          registration_endpoint: `${issuer}/register`,
          response_types_supported: ['code'],
          grant_types_supported: ['authorization_code'],
          code_challenge_methods_supported: ['S256'],
          token_endpoint_auth_methods_supported: ['none'],
        });
      } else if (path === '/register' && request.method === 'POST') {
        json(201, { ...body, client_id: `client-${randomUUID()}` });
      } else if (path === '/token' && request.method === 'POST') {
        const grant = codes.get(body.code ?? '');
        codes.delete(body.code ?? '');
        const verifier = createHash('sha256')
          .update(body.code_verifier ?? '')
          .digest('base64url');
        if (grant === undefined || grant.challenge !== verifier || grant.redirect !== body.redirect_uri) {
          json(400, { error: 'invalid_grant' });
          return;
        }
        json(200, {
          access_token: issue({ aud: grant.resource ?? 'none' }),
          token_type: 'Bearer',
          expires_in: 3600,
        });
      } else {
        json(404, { error: 'not_found' });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );

  /** A signed access token; `claims` override the defaults (a valid token for no resource). */
  function issue(claims: Record<string, unknown> = {}): string {
    const now = Math.floor(Date.now() / 1000);
    const header = base64url(JSON.stringify({ alg: 'ES256', typ: 'at+jwt' }));
    const payload = base64url(
      JSON.stringify({ iss: issuer, sub: options.subject ?? 'alice', iat: now, exp: now + 3600, ...claims }),
    );
    const signature = sign('sha256', Buffer.from(`${header}.${payload}`), {
      key: privateKey,
      dsaEncoding: 'ieee-p1363',
    });
    return `${header}.${payload}.${base64url(signature)}`;
  }

  /** The resource server's check: signature, issuer, expiry, and audience `resource`. */
  function verifyToken(token: string, resource: string): string | null {
    const [header, payload, signature] = token.split('.');
    if (header === undefined || payload === undefined || signature === undefined) return null;
    const valid = verify(
      'sha256',
      Buffer.from(`${header}.${payload}`),
      { key: publicKey, dsaEncoding: 'ieee-p1363' },
      Buffer.from(signature, 'base64url'),
    );
    if (!valid) return null;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as {
      iss?: unknown;
      aud?: unknown;
      exp?: unknown;
      sub?: unknown;
    };
    if (claims.iss !== issuer || claims.aud !== resource) return null;
    if (typeof claims.exp !== 'number' || claims.exp * 1000 <= Date.now()) return null;
    return typeof claims.sub === 'string' ? claims.sub : null;
  }

  /** The user signs in at the authorization URL: the code the redirect would carry. */
  function authorize(url: URL): string {
    const code = randomUUID();
    codes.set(code, {
      challenge: url.searchParams.get('code_challenge') ?? '',
      resource: url.searchParams.get('resource'),
      redirect: url.searchParams.get('redirect_uri') ?? '',
    });
    return code;
  }

  return { issuer, issue, verifyToken, authorize, requests };
}

/** The MCP SDK's OAuth client side, kept in memory: it records where it was sent to sign in. */
export function memoryOAuthProvider(): OAuthClientProvider & { sentTo: URL[] } {
  let client: OAuthClientInformationMixed | undefined;
  let tokens: OAuthTokens | undefined;
  let verifier = '';
  const sentTo: URL[] = [];
  return {
    sentTo,
    get redirectUrl() {
      return 'http://127.0.0.1/callback';
    },
    get clientMetadata() {
      return {
        client_name: 'gemloop test client',
        redirect_uris: ['http://127.0.0.1/callback'],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
      };
    },
    clientInformation: () => client,
    saveClientInformation: (information) => {
      client = information;
    },
    tokens: () => tokens,
    saveTokens: (saved) => {
      tokens = saved;
    },
    redirectToAuthorization: (url) => {
      sentTo.push(url);
    },
    saveCodeVerifier: (saved) => {
      verifier = saved;
    },
    codeVerifier: () => verifier,
  };
}
