import { createAdcTokenFunction } from '#platform/create-adc-token-function';
import { VertexAuthError } from '../../errors/vertex-auth-error.ts';
import { describeThrown } from '../../shared/describe-thrown.ts';
import { untilAborted } from '../../shared/until-aborted.ts';
import type { AbortSignalLike } from '../../streaming/parse-generate-content-stream.ts';
import { describeUnsendable } from '../check-headers.ts';
import type { VertexAccessToken, VertexOptions } from './vertex-options.ts';

/** Access tokens for Vertex AI calls. Made by {@link createVertexTokenSource}. @internal */
export type VertexTokenSource = {
  /**
   * A valid token: the cached one, or a new one when it is about to expire. With a `signal`, the
   * wait ends with the signal's reason when it aborts (the attempt's time limit, the caller's
   * abort), whether or not the token function ever settles.
   */
  token(signal?: AbortSignalLike): Promise<string>;
  /** Forgets the cached token (after a 401), so the next call gets a new one. */
  invalidate(): void;
};

/** What {@link createVertexTokenSource} needs. @internal */
export type CreateVertexTokenSourceOptions = {
  getAccessToken: VertexOptions['getAccessToken'];
  /** Called with every new token, so the client's redactor keeps it out of errors and logs. */
  onToken: (token: string) => void;
  now?: (() => number) | undefined;
  /**
   * Loads `google-auth-library` (a test replaces it). @defaultValue dynamic `import()` (on Node;
   * the browser build has no Application Default Credentials, see `#platform/create-adc-token-function`)
   */
  importAuthLibrary?: (() => Promise<unknown>) | undefined;
};

/** Refresh this long before expiry (google-auth-library's own eagerRefreshThresholdMillis). */
const REFRESH_MARGIN_MS = 5 * 60 * 1000;
/** OAuth access tokens from Google live one hour; a token without an expiry is taken as that. */
const DEFAULT_LIFETIME_MS = 60 * 60 * 1000;

/**
 * Gets, caches and refreshes Vertex AI access tokens: from the user's `getAccessToken`, else from
 * Application Default Credentials via `google-auth-library` (an optional peer, loaded with
 * `import()` on the first call). Concurrent calls share one fetch. Tokens are handed to `onToken`
 * for redaction and never logged.
 * @internal
 */
export function createVertexTokenSource({
  getAccessToken,
  onToken,
  now = Date.now,
  importAuthLibrary,
}: CreateVertexTokenSourceOptions): VertexTokenSource {
  let cached: { token: string; refreshAt: number } | undefined;
  let pending: Promise<string> | undefined;
  const fetchToken = getAccessToken ?? createAdcTokenFunction(importAuthLibrary);

  const refresh = async (): Promise<string> => {
    let result: string | VertexAccessToken;
    try {
      result = await fetchToken();
    } catch (cause) {
      if (VertexAuthError.isInstance(cause)) throw cause;
      throw new VertexAuthError({
        reason: 'token-function',
        message: `vertex.getAccessToken failed: ${describeThrown(cause)}. It must return an OAuth access token with the cloud-platform scope.`,
        cause,
      });
    }
    const token = typeof result === 'string' ? result : result?.token;
    if (typeof token !== 'string' || token.trim() === '' || /[\r\n]/.test(token)) {
      throw new VertexAuthError({
        reason: 'token-function',
        message:
          'vertex.getAccessToken returned no usable token: return the access token string, or { token, expiresAt }.',
      });
    }
    const unsendable = describeUnsendable(token);
    if (unsendable !== undefined) {
      // fetch refuses it on every request with a TypeError that reads like a network failure.
      throw new VertexAuthError({
        reason: 'token-function',
        message: `vertex.getAccessToken returned a token with a character no HTTP header can carry (${unsendable}); return the token alone (it is not shown).`,
      });
    }
    onToken(token);
    const expiresAt = typeof result === 'string' ? undefined : toEpoch(result.expiresAt);
    const fetchedAt = now();
    const expiry = expiresAt ?? fetchedAt + DEFAULT_LIFETIME_MS;
    // A token that lives less than the margin is still used once rather than fetched in a loop.
    cached = { token, refreshAt: Math.max(expiry - REFRESH_MARGIN_MS, fetchedAt) };
    return token;
  };

  return {
    token(signal) {
      if (cached !== undefined && now() < cached.refreshAt) return Promise.resolve(cached.token);
      let shared = pending;
      if (shared === undefined) {
        const fetching = refresh().finally(() => {
          // Only its own: a fetch given up on (below) may settle after a newer one started.
          if (pending === fetching) pending = undefined;
        });
        pending = shared = fetching;
      }
      if (signal === undefined) return shared;
      return untilAborted(shared, signal, () => {
        // A waiter gave up (time limit, abort): a token function that never settles must not stay
        // the one every later call waits on, so the next call asks again.
        if (pending === shared) pending = undefined;
      });
    },
    invalidate() {
      cached = undefined;
    },
  };
}

function toEpoch(value: Date | number | undefined): number | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
