import type { InsufficientScopeError } from './insufficient-scope-error.ts';
import { insufficientScopeChallenge, type ProtectedResource } from './protected-resource.ts';

/**
 * The `403` of a door whose `authorize` threw {@link InsufficientScopeError}: `body` in the door's
 * own error shape (OpenAI's, AG-UI's JSON, A2A's JSON-RPC), and `WWW-Authenticate: Bearer
 * error="insufficient_scope", scope="..."` (RFC 6750 §3.1) naming the protected resource's
 * metadata when the door has one, so a client can step up as the MCP door's clients do. The
 * thrown error is the app's own signal, not a failure: it goes to no log. @internal
 */
export function scopeRefusal(
  error: InsufficientScopeError,
  body: unknown,
  protectedResource?: ProtectedResource | undefined,
): Response {
  return new Response(JSON.stringify(body), {
    status: 403,
    headers: {
      'content-type': 'application/json',
      'www-authenticate':
        protectedResource?.insufficientScope(error.scopes) ??
        insufficientScopeChallenge(error.scopes),
    },
  });
}
