/**
 * The `redirect` mode of every request on a runtime. The API never redirects, and a redirect
 * must never be followed (fetch drops Authorization across origins but not x-goog-api-key).
 * `'error'` where the runtime takes it: Node's fetch clones every request (and tees its body)
 * under any other mode. Cloudflare Workers reject `'error'` outright ("does not make sense at the
 * edge"), so there it is `'manual'`: the 3xx comes back unfollowed and statusError refuses it as
 * it refuses one from a fetch that ignores the mode.
 * @internal
 */
export function redirectModeFor(userAgent: string | undefined): RequestRedirect {
  return userAgent === 'Cloudflare-Workers' ? 'manual' : 'error';
}

/** {@link redirectModeFor} this runtime, read once at load. @internal */
export const REDIRECT_MODE: RequestRedirect = redirectModeFor(
  (globalThis as { navigator?: { userAgent?: unknown } }).navigator?.userAgent as
    | string
    | undefined,
);
