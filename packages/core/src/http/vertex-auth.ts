import { createVertexTokenSource } from './create-vertex-token-source.ts';
import type { ResolvedVertex } from './vertex-options.ts';

/** How a Vertex client authenticates each attempt. @internal */
export type VertexAuth = {
  /** The call's headers with `authorization: Bearer <token>` added. */
  authorize(headers: Record<string, string>): Promise<Record<string, string>>;
  /** Forgets the cached token (the server answered 401). */
  invalidateToken(): void;
};

// The tokens kept in the redact list: the current one and a few before it (an error raised with
// an older token may still be in flight), not every token of a long-lived process.
const KEPT_TOKENS = 4;

/**
 * The per-attempt auth of a Vertex client: a cached, refreshed OAuth token (see
 * `createVertexTokenSource`), each new token added to the client's redact list so no error or log
 * line ever shows it.
 * @internal
 */
export function createVertexAuth(vertex: ResolvedVertex, redact: string[]): VertexAuth {
  // The list also holds the credentials of the client's headers: only tokens are dropped from it.
  const tokens: string[] = [];
  const source = createVertexTokenSource({
    getAccessToken: vertex.getAccessToken,
    onToken: (token) => {
      if (redact.includes(token)) return;
      redact.push(token);
      tokens.push(token);
      if (tokens.length > KEPT_TOKENS) redact.splice(redact.indexOf(tokens.shift() as string), 1);
    },
  });
  return {
    async authorize(headers) {
      const token = await source.token();
      return { ...headers, authorization: `Bearer ${token}` };
    },
    invalidateToken: () => source.invalidate(),
  };
}
