import { closestNames } from '@gemloop/core/internal';
import { failOption } from './check-door-options.ts';

// Which browser pages may call a door, for every door alike (the MCP, AG-UI, A2A and OpenAI
// doors). A browser names the page that sends a request in `Origin` (on every POST, same-origin
// too: Fetch standard, "origin header"); a server-side client sends none, and is let through.
// Why: DNS rebinding and cross-site pages. A page of another site can make a browser send a
// "simple" POST anywhere (no preflight), and with DNS rebinding a page of evil.example reaches a
// door listening on localhost under its own name. The MCP spec (2025-11-25, Transports,
// "Security Warning") makes checking `Origin` a MUST: "If the Origin header is present and
// invalid, servers MUST respond with HTTP 403 Forbidden".

/** The option every door takes on which browser pages may call it, declared once. */
export type AllowedOriginsOption = {
  /**
   * The browser pages that may call the door: origins (`'https://app.example.com'`; a URL's path
   * is dropped) and `'self'`, a page of the host the request was sent to. A request whose
   * `Origin` is not admitted is answered 403 (in the door's error shape) before `authorize` reads
   * it; a request without `Origin` (a server-side client: an SDK, curl, Claude, another agent) is
   * not concerned. An admitted page of another origin gets CORS: its preflight is answered and
   * every answer names it in `Access-Control-Allow-Origin` (with credentials, never `*`).
   * Against DNS rebinding a door on localhost whose `authorize` admits anyone lists its pages
   * rather than `'self'` (which trusts the Host header a rebound page shares). `'self'` reads the
   * Host the request arrived with, never `X-Forwarded-Host` (any client writes it): behind a
   * proxy, pass the Host through or list the page's origin.
   * @defaultValue `['self']` for the AG-UI door (made for pages); `[]` (no page) for the MCP door
   *   (the MCP spec 2025-11-25 makes the check a MUST), the A2A and the OpenAI-compatible doors
   *   (server-to-server protocols, often on localhost in development)
   */
  allowedOrigins?: readonly string[] | undefined;
};

/**
 * The pages a door admits, checked: origins as `new URL(...).origin` writes them, and whether
 * the page the request was sent from may share the request's own host (`'self'`). @internal
 */
export type OriginPolicy = { readonly origins: ReadonlySet<string>; readonly self: boolean };

/** The word of an allowed-origin list for "the door's own host" (as CSP's `'self'`). */
const SELF = 'self';

/**
 * The origin of an http(s) URL or `Origin` header value, as `new URL(...).origin` writes it
 * (lower-case host, default port dropped); `undefined` for anything else (`null`, `file://`).
 * @internal
 */
export function originOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/** What an entry that is not an origin probably meant, for the error's "did you mean". */
function meant(entry: string): string | undefined {
  const word = entry.replace(/^['"]|['"]$/g, '').toLowerCase();
  if (word !== entry && word === SELF) return SELF;
  const [near] = closestNames({ input: word, candidates: [SELF, 'same-origin', 'same origin'] });
  if (near !== undefined) return SELF;
  if (/^[a-z0-9.-]+(:\d+)?(\/.*)?$/i.test(entry) && entry.includes('.')) {
    return originOf(`https://${entry}`);
  }
  if (/^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?(\/.*)?$/i.test(entry)) {
    return originOf(`http://${entry}`);
  }
  return undefined;
}

/**
 * `allowedOrigins` of a door's options, checked: an array of http(s) origins (a URL's path is
 * dropped) and `'self'`; `fallback` when absent.
 * @throws {@link InvalidArgumentError} naming `allowedOrigins`, with what an entry probably meant.
 * @internal
 */
export function checkAllowedOrigins(value: unknown, fallback: readonly string[]): OriginPolicy {
  if (value !== undefined && !Array.isArray(value)) {
    failOption(
      'allowedOrigins',
      "allowedOrigins must be an array of origins: ['https://app.example.com'] (or 'self' for pages of the door's own host).",
    );
  }
  const origins = new Set<string>();
  let self = false;
  for (const each of (value as readonly unknown[] | undefined) ?? fallback) {
    if (each === SELF) {
      self = true;
      continue;
    }
    const origin = originOf(each);
    if (origin !== undefined) {
      origins.add(origin);
      continue;
    }
    const text = String(each).slice(0, 80);
    const hint = typeof each === 'string' ? meant(each) : undefined;
    failOption(
      'allowedOrigins',
      `allowedOrigins: ${JSON.stringify(text)} is not an http(s) origin such as 'https://app.example.com', nor 'self'.${
        hint === undefined ? '' : ` Did you mean '${hint}'?`
      }${text === '*' ? ' Any origin is not offered: list the pages that may call the door.' : ''}`,
    );
  }
  return { origins, self };
}

/**
 * Whether a request's `Origin` is one the door admits: none (a server-side client), a listed
 * origin, or (with `'self'`) a page of the host the request was sent to. `'self'` reads the Host
 * the request was addressed to, which a DNS-rebinding page shares: a door on localhost whose
 * `authorize` admits anyone lists its pages instead.
 * @internal
 */
export function admitsOrigin(policy: OriginPolicy, request: Request): boolean {
  const from = request.headers.get('origin');
  if (from === null) return true;
  const origin = originOf(from);
  if (origin === undefined) return false;
  if (policy.origins.has(origin)) return true;
  // Host only, not the scheme: behind a proxy that ends TLS the request arrives as http.
  return policy.self && new URL(origin).host === new URL(request.url).host;
}

/** The methods a door serves: a page's request of one is checked before the door reads it. */
const CHECKED_METHODS = new Set(['GET', 'HEAD', 'POST', 'DELETE']);

/**
 * The request headers a page may send a door: the doors' own, the MCP transport's, the A2A
 * client's (`A2A-Extensions`, when it activates one), and the ones the official `openai` client
 * sends from a browser too (openai-node 6, `internal/detect-platform.js` and `client.js`'s
 * `buildHeaders`): without them its preflight failed and a listed page could not use it
 * (attack-doors7). A fixed list: what a preflight asks beyond it is not granted.
 */
const ALLOWED_HEADERS = [
  'authorization, content-type, accept, last-event-id',
  'mcp-session-id, mcp-protocol-version, a2a-version, a2a-extensions, x-a2a-extensions',
  'x-stainless-lang, x-stainless-package-version, x-stainless-os, x-stainless-arch',
  'x-stainless-runtime, x-stainless-runtime-version, x-stainless-retry-count, x-stainless-timeout',
  'openai-organization, openai-project',
].join(', ');
/** The response headers a page may read (a session id, a wait, a challenge). */
const EXPOSED_HEADERS = 'mcp-session-id, mcp-protocol-version, retry-after, www-authenticate';

/**
 * `handler` behind the door's Origin check, with CORS for the pages it admits: a request from a
 * page it does not admit gets `refuse()` (the door's 403 in its own error shape) before anything
 * else reads it (`authorize` included), on the methods doors serve (others stay the door's 405); a preflight (`OPTIONS` with
 * `Access-Control-Request-Method`) of an admitted page is answered 204 with what it may send;
 * every answer to a page of another origin names it in `Access-Control-Allow-Origin`. A request
 * `isPublic` says is a public document (an agent card, resource metadata) is not checked.
 * @internal
 */
export function guardOrigin(
  policy: OriginPolicy,
  handler: (request: Request) => Promise<Response>,
  refuse: () => Response,
  isPublic: (request: Request) => boolean = () => false,
): (request: Request) => Promise<Response> {
  return async (request) => {
    if (isPublic(request)) return await handler(request);
    const from = request.headers.get('origin');
    // Every answer below depends on `Origin` (served, refused, or granted CORS), so each names
    // it in Vary, the answer to a request without one too (Fetch standard, "CORS protocol and
    // HTTP caches"): else a shared cache hands the answer it stored for a server-side client to
    // a listed page, which cannot read it, or one page's answer to another (attack-doors7).
    if (from === null) return varyOnOrigin(await handler(request));
    const origin = originOf(from);
    if (origin === undefined || !admitsOrigin(policy, request)) {
      // Other methods (a preflight, PUT) stay the door's 405 naming what it takes, with no grant.
      if (!CHECKED_METHODS.has(request.method)) return varyOnOrigin(await handler(request));
      return varyOnOrigin(refuse());
    }
    const preflight =
      request.method === 'OPTIONS' && request.headers.has('access-control-request-method');
    if (preflight) {
      return new Response(null, {
        status: 204,
        headers: {
          ...corsHeaders(origin),
          'access-control-allow-methods': 'GET, HEAD, POST, DELETE',
          'access-control-allow-headers': ALLOWED_HEADERS,
          'access-control-max-age': '600',
        },
      });
    }
    const response = await handler(request);
    const headers = new Headers(response.headers);
    for (const [name, value] of Object.entries(corsHeaders(origin))) {
      if (name === 'vary') headers.append(name, value);
      else headers.set(name, value);
    }
    return new Response(response.body, {
      status: response.status,
      statusText: response.statusText,
      headers,
    });
  };
}

/** `response` with `Origin` added to its Vary (a copy when its headers cannot change). */
function varyOnOrigin(response: Response): Response {
  try {
    response.headers.append('vary', 'Origin');
    return response;
  } catch {
    // Headers of a response made by `fetch` are immutable: the handler passed one through.
    const headers = new Headers(response.headers);
    headers.append('vary', 'Origin');
    return new Response(response.body, {
      status: response.status,
      statusText: response.statusText,
      headers,
    });
  }
}

/** The CORS headers of an admitted page's answer: its origin named, never `*`. */
function corsHeaders(origin: string): Record<string, string> {
  return {
    'access-control-allow-origin': origin,
    // An admitted page may send its cookies: `authorize` may read a session cookie.
    'access-control-allow-credentials': 'true',
    'access-control-expose-headers': EXPOSED_HEADERS,
    vary: 'Origin',
  };
}
