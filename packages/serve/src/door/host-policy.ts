import { hostnameOf } from '@gemloop/core/internal';
import { failOption } from './check-door-options.ts';
import type { AllowedOriginsOption } from './origin-policy.ts';

// Which host names a door answers to, for every door alike. DNS rebinding: a page of
// evil.example whose name the attacker re-points at 127.0.0.1 is "same origin" with itself, so a
// browser sends its GETs to a door on localhost without `Origin` (Fetch standard: no Origin on a
// same-origin GET) and lets the page read the answers (`/v1/models`: attack-doors7). What the
// page cannot change is the `Host` its browser writes: evil.example. So a door reached on a
// loopback address answers loopback names and IP literals only, unless told more, as the peers
// do: Vite's `server.allowedHosts` (host-validation-middleware: IP literals, `localhost` and
// `*.localhost` always; an entry `.example.com` for a domain and its subdomains), webpack-dev-
// server's `allowedHosts: 'auto'`, and the MCP TypeScript SDK's `createMcpExpressApp`, which
// turns `hostHeaderValidation(['localhost', '127.0.0.1', '[::1]'])` on by itself when bound to a
// loopback host (its 403 is `Invalid Host: <name>`).

/** The option every door takes on which host names it answers to, declared once. */
export type AllowedHostsOption = {
  /**
   * The host names the door answers to besides loopback names (`localhost`, `*.localhost`) and
   * IP literals, which it always answers: `'api.example.com'`, `'.example.com'` for that domain
   * and every subdomain, or `'*'` for any name (the check off). The port is not compared. A
   * request sent to another name is answered 403 in the door's error shape, naming this option,
   * before anything else reads it: a page whose name was re-pointed at your machine (DNS
   * rebinding) sends its own name in `Host`, which no `Origin` check sees on a same-origin GET.
   * Given, the list holds on every address; absent, a door refuses other names only on a request
   * that reached it on a loopback address (`toNodeListener` says which; another server says it
   * through the handler's second argument, {@link DoorConnection}), so a door on a public
   * address keeps answering its public names. Behind a proxy on the same machine that sets
   * `Host` to the public name (nginx's `proxy_set_header Host $host`), list that name.
   * @defaultValue absent: loopback names and IP literals on a loopback connection, any name
   *   otherwise
   */
  allowedHosts?: readonly string[] | undefined;
};

/**
 * What the server knows of the connection a request arrived on, given as a door's second
 * argument: `toNodeListener` passes it; Deno's `serve` (`info`), Bun's `fetch(request, server)`
 * or Hono's `c.env.incoming.socket` can. Without it a door cannot tell a loopback connection,
 * and only a given `allowedHosts` is checked.
 */
export type DoorConnection = {
  /** The server's own address the request arrived on (`socket.localAddress`). */
  readonly localAddress?: string | undefined;
};

/** The host names a door answers to, checked. @internal */
export type HostPolicy = {
  /** Exact names, lower-case. */
  readonly names: ReadonlySet<string>;
  /** Domains whose subdomains are admitted too (`.example.com` kept as `example.com`). */
  readonly domains: readonly string[];
  /** `'*'`: any name. */
  readonly any: boolean;
  /** Whether the list was given (then it holds on every address). */
  readonly given: boolean;
};

/**
 * `allowedHosts` of a door's options, checked: host names (no scheme, path or port needed),
 * `.domain` entries and `'*'`.
 * @throws {@link InvalidArgumentError} naming `allowedHosts`, with what an entry probably meant.
 * @internal
 */
export function checkAllowedHosts(value: unknown): HostPolicy {
  if (value === undefined) return { names: new Set(), domains: [], any: false, given: false };
  if (!Array.isArray(value)) {
    failOption(
      'allowedHosts',
      "allowedHosts must be an array of host names: ['api.example.com'] ('.example.com' for a domain and its subdomains).",
    );
  }
  const names = new Set<string>();
  const domains: string[] = [];
  let any = false;
  for (const each of value as readonly unknown[]) {
    if (each === '*') {
      any = true;
      continue;
    }
    const text = typeof each === 'string' ? each.trim() : '';
    const domain = text.startsWith('.');
    const name = hostnameOf(domain ? text.slice(1) : text);
    if (name !== undefined && name !== '' && !text.includes('://')) {
      if (domain) domains.push(name);
      else names.add(name);
      continue;
    }
    let hint = '';
    if (typeof each === 'string') {
      try {
        hint = ` Did you mean '${new URL(each).hostname}'?`;
      } catch {
        // Not a URL either: no hint.
      }
    }
    failOption(
      'allowedHosts',
      `allowedHosts: ${JSON.stringify(String(each).slice(0, 80))} is not a host name such as 'api.example.com' (or '.example.com', or '*').${hint}`,
    );
  }
  return { names, domains, any, given: true };
}

/** Whether `address` (a socket's local address) is a loopback one. */
function isLoopbackAddress(address: string): boolean {
  return address === '::1' || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/i.test(address);
}

/**
 * Whether the door answers a request sent to its `Host`: any name when the list is `'*'`, or
 * when no list was given and the request did not arrive on a loopback address (or the server
 * did not say); else IP literals, loopback names and the listed ones. A `Host` that names no
 * host (`a b`, `x@y`) is refused whatever the list. @internal
 */
export function admitsHost(
  policy: HostPolicy,
  request: Request,
  connection: DoorConnection | undefined,
): { admitted: true } | { admitted: false; name: string | undefined } {
  if (policy.any) return { admitted: true };
  const local = connection?.localAddress;
  if (!policy.given && (local === undefined || !isLoopbackAddress(local))) {
    return { admitted: true };
  }
  const header = request.headers.get('host') ?? new URL(request.url).host;
  const name = hostnameOf(header);
  if (name === undefined) return { admitted: false, name: undefined };
  // An IP literal is no DNS name, so nothing rebinds it (a URL writes IPv4 as four numbers,
  // `127.1` too, and IPv6 in brackets).
  if (name.startsWith('[') || /^\d+\.\d+\.\d+\.\d+$/.test(name)) return { admitted: true };
  if (name === 'localhost' || name.endsWith('.localhost')) return { admitted: true };
  if (policy.names.has(name)) return { admitted: true };
  if (policy.domains.some((domain) => name === domain || name.endsWith(`.${domain}`))) {
    return { admitted: true };
  }
  return { admitted: false, name };
}

/**
 * The words of a refused host's answer, naming the option to set (the name as a URL writes it:
 * lower-case letters, digits, dots and dashes, or punycode; never the raw header). @internal
 */
export function hostRefusal(door: string, name: string | undefined): string {
  if (name === undefined) {
    return `Forbidden: the Host header of this request names no host; ${door} answers to the names its server lists in allowedHosts.`;
  }
  const shown = name.slice(0, 100);
  return `Forbidden: ${door} does not answer to the host name "${shown}" (a page whose name was pointed at this machine, DNS rebinding, sends its own). If this is the server's own name (behind a proxy), list it: allowedHosts: ['${shown}'].`;
}

/**
 * `handler` behind the door's Host check: a request sent to a name the door does not answer to
 * gets `refuse(message)` (403 in the door's error shape) before anything else reads it; others
 * reach `handler`. The connection is read here only. @internal
 */
export function guardHost(
  policy: HostPolicy,
  handler: (request: Request) => Promise<Response>,
  refuse: (message: string) => Response,
  door: string,
): (request: Request, connection?: DoorConnection) => Promise<Response> {
  return async (request, connection) => {
    const verdict = admitsHost(policy, request, connection);
    if (verdict.admitted) return await handler(request);
    return refuse(hostRefusal(door, verdict.name));
  };
}

/**
 * What every door takes on who may reach it from a browser: the pages (`allowedOrigins`) and the
 * host names it answers to (`allowedHosts`).
 */
export type DoorAccessOptions = AllowedOriginsOption & AllowedHostsOption;
