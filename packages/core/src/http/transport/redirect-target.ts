/**
 * Whether `response` is a redirect that was not followed (`redirect: 'manual'`): a 3xx, or the
 * opaque redirect a browser's fetch gives (status 0, Location hidden).
 */
export function isRedirectResponse(response: Response): boolean {
  return (response.status >= 300 && response.status < 400) || response.type === 'opaqueredirect';
}

/**
 * Where a refused redirect pointed, for its error: the Location's origin and path, never its query
 * or credentials (they may hold tokens). `showPath` shows the path (the first 200 characters by
 * default; the MCP client masks its secret segments).
 */
export function redirectTarget(
  location: string | null,
  base: string | URL,
  showPath: (path: string) => string = (path) => path.slice(0, 200),
): string {
  if (location === null) return 'nowhere (no Location header)';
  try {
    const target = new URL(location, base);
    return `${target.origin}${showPath(target.pathname)}`;
  } catch {
    return 'an invalid Location';
  }
}
