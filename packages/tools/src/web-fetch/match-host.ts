import { quoteEntry } from '../internal/quote-entry.ts';

/**
 * A host name in the form host lists compare: lower case, without a trailing dot, IPv6 without
 * brackets. URL hosts are already punycode and lower case; list entries get the same treatment.
 * @internal
 */
export function normalizeHost(host: string): string {
  let normalized = host.trim().toLowerCase();
  if (normalized.startsWith('[') && normalized.endsWith(']')) normalized = normalized.slice(1, -1);
  while (normalized.endsWith('.')) normalized = normalized.slice(0, -1);
  return normalized;
}

/**
 * A compiled host list: exact names (`example.com`, `127.0.0.1`) and subdomain patterns
 * (`*.example.com` matches `a.example.com` and `a.b.example.com`, not `example.com` itself).
 * @internal
 */
export type HostList = { exact: ReadonlySet<string>; suffixes: readonly string[] };

/** Compiles a host list option; throws a plain message for a bad entry. @internal */
export function compileHostList(entries: readonly string[]): HostList {
  const exact = new Set<string>();
  const suffixes: string[] = [];
  for (const entry of entries) {
    if (typeof entry !== 'string' || entry.trim() === '') {
      throw new Error(`host list entries must be non-empty strings, got ${quoteEntry(entry)}`);
    }
    const wildcard = entry.trim().startsWith('*.');
    const host = toAsciiHost(wildcard ? entry.trim().slice(2) : entry);
    if (host === undefined || host.includes('*')) {
      throw new Error(
        `host list entry ${quoteEntry(entry)} must be a host name, an IP address, or "*.domain" (no scheme, port or path)`,
      );
    }
    if (wildcard) suffixes.push(`.${host}`);
    else exact.add(host);
  }
  return { exact, suffixes };
}

/** Whether a normalized host is on the list. @internal */
export function hostMatches(list: HostList, host: string): boolean {
  if (list.exact.has(host)) return true;
  return list.suffixes.some((suffix) => host.endsWith(suffix));
}

// Each entry goes through the URL parser that makes the hosts it is compared with, so every
// spelling of one host is one entry: "Bücher.de" is "xn--bcher-kva.de", "127.1" and "0x7f.0.0.1"
// are "127.0.0.1", "0:0:0:0:0:0:0:1" is "::1". An entry the parser refuses, or one with a port
// ("intranet.example:8080"), names no host a URL can have: it would never match, so a deny list
// holding it would let the host through. It is refused instead.
function toAsciiHost(entry: string): string | undefined {
  const host = normalizeHost(entry);
  if (host === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(`http://${host.includes(':') ? `[${host}]` : host}/`);
  } catch {
    return undefined;
  }
  const bare =
    parsed.port === '' && parsed.pathname === '/' && parsed.search === '' && parsed.hash === '';
  return bare ? normalizeHost(parsed.hostname) : undefined;
}
