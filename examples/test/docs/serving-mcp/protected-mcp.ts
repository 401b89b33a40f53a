import type { Agent } from '@gemloop/core';
import { authorizeBearer, createProtectedResource, mountDoors } from '@gemloop/serve/doors';

// docs/serving-mcp.md, "Auth": the MCP door (and the OpenAI one beside it) as an OAuth 2.0
// resource server, every door on one handler.

export function mountProtectedDoors(options: {
  agent: Agent;
  /** The URL clients reach the MCP door at, e.g. https://agents.example.com/mcp. */
  resource: string;
  /** Your authorization server, e.g. https://auth.example.com. */
  issuer: string;
  /** Checks signature, issuer, expiry and audience (= resource); the token's subject, or null. */
  verifyAccessToken: (token: string) => string | null | Promise<string | null>;
}) {
  const { agent, resource, issuer, verifyAccessToken } = options;
  const protectedResource = createProtectedResource({
    resource,
    authorizationServers: [issuer],
    scopesSupported: ['agents'],
  });
  return mountDoors({
    authorize: authorizeBearer((token) => verifyAccessToken(token)),
    protectedResource,
    mcp: { agents: { support: agent } },
    openai: { agents: { support: agent } },
  });
}
