import type { IncomingMessage, ServerResponse } from 'node:http';

/** An ephemeral token the fake minted (`POST /v1alpha/auth_tokens`). */
export type FakeAuthToken = {
  /** `auth_tokens/<id>`, what the browser passes as `?access_token=`. */
  readonly name: string;
  /** Sessions it may start; 0 is no limit. Resuming is not a use. */
  readonly uses: number;
  used: number;
  /** After this (ms since the epoch), messages of its sessions are refused. */
  readonly expireAt: number;
  /** After this, no new session starts with it. */
  readonly newSessionExpireAt: number;
  /** The setup it locks (`bidiGenerateContentSetup`), applied over what the client sends. */
  readonly setup: Record<string, unknown> | undefined;
};

// CreateAuthTokenConfig in @google/genai src/types.ts: expireTime "defaults to 30 minutes in the
// future", newSessionExpireTime "defaults to 60 seconds in the future", both "must be less than
// 20 hours in the future"; uses "Default is 1 ... zero then no limit ... Resuming a Live API
// session does not count as a use".
const DEFAULT_EXPIRE_MS = 30 * 60 * 1000;
const DEFAULT_NEW_SESSION_MS = 60 * 1000;
const MAX_FUTURE_MS = 20 * 60 * 60 * 1000;
const MAX_BODY_BYTES = 1024 * 1024;

/** The fake's token endpoint and the check of a token's use. @internal */
export type FakeAuthTokens = {
  tokens: Map<string, FakeAuthToken>;
  handle(request: IncomingMessage, response: ServerResponse): Promise<void>;
  use(name: string, resume: boolean): string | undefined;
};

/** The fake's `auth_tokens` endpoint and the checks a Constrained connection goes through. @internal */
export function createFakeAuthTokens({
  apiKey,
  now,
}: {
  apiKey: string | undefined;
  now: () => number;
}): FakeAuthTokens {
  const tokens = new Map<string, FakeAuthToken>();

  const reply = (response: ServerResponse, status: number, body: unknown): void => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };
  const googleError = (response: ServerResponse, status: number, message: string): void => {
    const statusName =
      status === 400 ? 'INVALID_ARGUMENT' : status === 401 ? 'UNAUTHENTICATED' : 'NOT_FOUND';
    reply(response, status, { error: { code: status, message, status: statusName } });
  };

  /** Answers `POST /v1alpha/auth_tokens`; any other request gets a 404. */
  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (request.method !== 'POST' || url.pathname !== '/v1alpha/auth_tokens') {
      googleError(
        response,
        404,
        `No route for ${request.method} ${url.pathname} (the fake Live server mints tokens at POST /v1alpha/auth_tokens).`,
      );
      return;
    }
    const key = request.headers['x-goog-api-key'] ?? url.searchParams.get('key');
    if (typeof key !== 'string' || key === '' || (apiKey !== undefined && key !== apiKey)) {
      googleError(response, 401, 'API key not valid. Please pass a valid API key.');
      return;
    }
    let size = 0;
    const chunks: Buffer[] = [];
    for await (const chunk of request) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) {
        googleError(response, 400, 'Request body too large.');
        return;
      }
      chunks.push(chunk as Buffer);
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
    } catch {
      googleError(response, 400, 'Invalid JSON payload received.');
      return;
    }
    const at = now();
    const expireAt = readTime(body['expireTime'], at + DEFAULT_EXPIRE_MS);
    const newSessionExpireAt = readTime(body['newSessionExpireTime'], at + DEFAULT_NEW_SESSION_MS);
    if (Number.isNaN(expireAt) || Number.isNaN(newSessionExpireAt)) {
      googleError(
        response,
        400,
        'expireTime and newSessionExpireTime must be RFC 3339 timestamps.',
      );
      return;
    }
    if (expireAt - at >= MAX_FUTURE_MS || newSessionExpireAt - at >= MAX_FUTURE_MS) {
      googleError(
        response,
        400,
        'expireTime and newSessionExpireTime must be less than 20 hours in the future.',
      );
      return;
    }
    // Proto3 JSON reads null as unset (protobuf.dev/programming-guides/json), so null is the
    // default single use, never 0 (no limit); an int32 is a number or a numeric string, not a bool.
    const given = body['uses'];
    const uses =
      given === undefined || given === null
        ? 1
        : typeof given === 'number' || (typeof given === 'string' && /^-?\d+$/.test(given))
          ? Number(given)
          : Number.NaN;
    if (!Number.isSafeInteger(uses) || uses < 0) {
      googleError(response, 400, 'uses must be a non-negative integer.');
      return;
    }
    const setup = body['bidiGenerateContentSetup'];
    const token: FakeAuthToken = {
      name: `auth_tokens/fake-${tokens.size + 1}`,
      uses,
      used: 0,
      expireAt,
      newSessionExpireAt,
      setup:
        typeof setup === 'object' && setup !== null
          ? (setup as Record<string, unknown>)
          : undefined,
    };
    tokens.set(token.name, token);
    reply(response, 200, {
      name: token.name,
      expireTime: new Date(expireAt).toISOString(),
      newSessionExpireTime: new Date(newSessionExpireAt).toISOString(),
    });
  }

  /** Why `name` may not open this connection, or undefined; a new session uses the token once. */
  function use(name: string, resume: boolean): string | undefined {
    const token = tokens.get(name);
    if (token === undefined) return 'unknown ephemeral token';
    const at = now();
    if (at >= token.expireAt) return 'the ephemeral token expired';
    if (resume) return undefined;
    if (at >= token.newSessionExpireAt)
      return 'the token no longer starts new sessions (newSessionExpireTime)';
    if (token.uses !== 0 && token.used >= token.uses) return 'the ephemeral token has no uses left';
    token.used += 1;
    return undefined;
  }

  return { tokens, handle, use };
}

function readTime(value: unknown, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  return typeof value === 'string' ? Date.parse(value) : Number.NaN;
}
