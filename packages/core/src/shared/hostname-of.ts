/**
 * The host name a `Host` header value or a host allow-list entry names, as a URL writes it
 * (lower-case, IDN in punycode, IPv6 in brackets), its port and a trailing dot dropped (the same
 * DNS name: `localhost.`); `undefined` for a value that names no host (empty, or holding a path,
 * query, fragment, user part, backslash or space). Shared by `@gemloop/serve`'s doors
 * (`allowedHosts`) and `gemloop view`'s Host check: the CLI does not depend on serve. @internal
 */
export function hostnameOf(value: string): string | undefined {
  if (value === '' || /[/?#@\\\s]/.test(value)) return undefined;
  try {
    const name = new URL(`http://${value}`).hostname;
    return name.endsWith('.') ? name.slice(0, -1) : name;
  } catch {
    return undefined;
  }
}
