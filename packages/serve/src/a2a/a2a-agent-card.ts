import { A2A_PROTOCOL_VERSION, A2A_VERSION_HEADER, AgentCard } from '@a2a-js/sdk';
import { duplicateInterfacesForLegacy } from '@a2a-js/sdk/compat/v0_3';
import type { A2AAgentCardOptions } from './a2a-handler-options.ts';

// The agent card the A2A door serves at `/.well-known/agent-card.json`: the SDK's `AgentCard`
// (v1.0), the v0.3 shape for a client without `A2A-Version`, and the response that carries it.

/** The card of the door's agent (its endpoint filled in per request). @internal */
export function buildAgentCard(
  options: A2AAgentCardOptions,
  push: boolean,
  url: string,
  v03: boolean,
): AgentCard {
  const v1 = { url, protocolBinding: 'JSONRPC', tenant: '', protocolVersion: A2A_PROTOCOL_VERSION };
  return {
    name: options.name,
    description: options.description,
    version: options.version ?? '1.0.0',
    provider: options.provider,
    supportedInterfaces: v03 ? duplicateInterfacesForLegacy([v1], ['JSONRPC']) : [v1],
    capabilities: {
      streaming: true,
      pushNotifications: push,
      extensions: [],
      extendedAgentCard: false,
    },
    securitySchemes: {},
    securityRequirements: [],
    defaultInputModes: ['text/plain'],
    defaultOutputModes: ['text/plain'],
    skills: (
      options.skills ?? [{ id: 'ask', name: options.name, description: options.description }]
    ).map((skill) => ({
      id: skill.id,
      name: skill.name,
      description: skill.description,
      tags: [...(skill.tags ?? [])],
      examples: [...(skill.examples ?? [])],
      inputModes: [],
      outputModes: [],
      securityRequirements: [],
    })),
    signatures: [],
  };
}

/**
 * The card with an OAuth bearer scheme: how to call, found through the protected-resource
 * metadata (RFC 9728). @internal
 */
export function withBearerScheme(card: AgentCard, metadataUrl: string): void {
  card.securitySchemes = {
    oauth: {
      scheme: {
        $case: 'httpAuthSecurityScheme',
        value: {
          scheme: 'Bearer',
          bearerFormat: '',
          description: `An OAuth 2.0 access token; where to get one: ${metadataUrl}`,
        },
      },
    },
  };
  card.securityRequirements = [{ schemes: { oauth: { list: [] } } }];
}

/** The v1.0 card with `endpoint` as every interface's URL. @internal */
export function agentCardResponse(
  card: AgentCard,
  endpoint: string,
  fromRequest: boolean,
): Response {
  const shown: AgentCard = {
    ...card,
    supportedInterfaces: card.supportedInterfaces.map((each) => ({ ...each, url: endpoint })),
  };
  return cardJson(AgentCard.toJSON(shown), fromRequest);
}

/** A card as JSON; `fromRequest`: its address came from the request's Host header. @internal */
export function cardJson(json: unknown, fromRequest: boolean): Response {
  return new Response(JSON.stringify(json), {
    headers: {
      vary: A2A_VERSION_HEADER,
      'content-type': 'application/json',
      // An address taken from the request's Host header is that client's, not for a shared cache.
      'cache-control': fromRequest ? 'private, max-age=300' : 'public, max-age=300',
    },
  });
}

/**
 * The card as v0.3 shows it (its `AgentCard`: one `url`, `preferredTransport`), for a client that
 * sends no `A2A-Version`. The SDK translates cards in its express router only (`toCompatAgentCard`
 * is not exported), so the few fields are mapped here.
 */
export function toLegacyAgentCard(card: AgentCard, endpoint: string): unknown {
  return {
    protocolVersion: '0.3.0',
    name: card.name,
    description: card.description,
    url: endpoint,
    preferredTransport: 'JSONRPC',
    additionalInterfaces: [{ url: endpoint, transport: 'JSONRPC' }],
    version: card.version,
    ...(card.provider === undefined ? {} : { provider: card.provider }),
    capabilities: {
      streaming: card.capabilities?.streaming === true,
      pushNotifications: card.capabilities?.pushNotifications === true,
    },
    defaultInputModes: card.defaultInputModes,
    defaultOutputModes: card.defaultOutputModes,
    skills: card.skills.map((skill) => ({
      id: skill.id,
      name: skill.name,
      description: skill.description,
      tags: skill.tags,
      examples: skill.examples,
    })),
  };
}
