import type { SecretList } from '../../shared/secret-list.ts';
import type { AbortSignalLike } from '../../streaming/parse-generate-content-stream.ts';
import { createVertexTokenSource } from './create-vertex-token-source.ts';
import type { ResolvedVertex } from './vertex-options.ts';

/** How a Vertex client authenticates each attempt. @internal */
export type VertexAuth = {
  /**
   * The call's headers with `authorization: Bearer <token>` added; rejects with the signal's
   * reason when it aborts first (the token fetch is within the attempt's time limit).
   */
  authorize(
    headers: Record<string, string>,
    signal: AbortSignalLike,
  ): Promise<Record<string, string>>;
  /** Forgets the cached token (the server answered 401). */
  invalidateToken(): void;
};

/**
 * The per-attempt auth of a Vertex client: a cached, refreshed OAuth token (see
 * `createVertexTokenSource`), each new token learned by the client's secret list the moment it is
 * fetched, before any request carries it, so no error, log line, span or run file shows it (the
 * list keeps the last few tokens: an error raised with an older one may still be in flight).
 * @internal
 */
export function createVertexAuth(vertex: ResolvedVertex, secrets: SecretList): VertexAuth {
  const source = createVertexTokenSource({
    getAccessToken: vertex.getAccessToken,
    onToken: (token) => secrets.learn(token, 'token'),
  });
  return {
    async authorize(headers, signal) {
      const token = await source.token(signal);
      return { ...headers, authorization: `Bearer ${token}` };
    },
    invalidateToken: () => source.invalidate(),
  };
}
