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
      throw new Error(`host list entries must be non-empty strings, got ${JSON.stringify(entry)}`);
    }
    const wildcard = entry.trim().startsWith('*.');
    const host = toAsciiHost(wildcard ? entry.trim().slice(2) : entry);
    if (host.includes('*') || host.includes('/') || host === '') {
      throw new Error(
        `host list entry ${JSON.stringify(entry)} must be a host name, an IP address, or "*.domain"`,
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

// Entries such as "Bücher.de" must compare equal to the punycode host the URL parser produces.
function toAsciiHost(entry: string): string {
  const host = normalizeHost(entry);
  if (/^[\x21-\x7e]*$/.test(host) && !host.includes(':')) return host;
  try {
    const bracketed = host.includes(':') ? `[${host}]` : host;
    return normalizeHost(new URL(`http://${bracketed}/`).hostname);
  } catch {
    return host;
  }
}
