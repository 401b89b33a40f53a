import { A2A_VERSION_HEADER } from '@a2a-js/sdk';
import { describe, expect, it } from 'vitest';
import {
  agentCardResponse,
  buildAgentCard,
  toLegacyAgentCard,
  withBearerScheme,
} from './a2a-agent-card.ts';

// The agent card the A2A door serves: what it says of the agent from the door's options, the
// endpoint written in per request, the v0.3 shape, and a cache that must not share a card whose
// address came from one client's Host header.

const options = { name: 'Support', description: 'Answers questions about orders.' };

describe('buildAgentCard', () => {
  it('describes the agent with one skill by default, streaming, and push notifications when on', () => {
    const card = buildAgentCard(options, true, 'https://agents.example/a2a/', false);
    expect(card).toMatchObject({
      name: 'Support',
      description: 'Answers questions about orders.',
      version: '1.0.0',
      capabilities: { streaming: true, pushNotifications: true, extendedAgentCard: false },
      defaultInputModes: ['text/plain'],
      defaultOutputModes: ['text/plain'],
    });
    expect(card.skills).toEqual([
      expect.objectContaining({
        id: 'ask',
        name: 'Support',
        description: 'Answers questions about orders.',
        tags: [],
        examples: [],
      }),
    ]);
    expect(card.supportedInterfaces).toEqual([
      expect.objectContaining({ url: 'https://agents.example/a2a/', protocolBinding: 'JSONRPC' }),
    ]);
    expect(buildAgentCard(options, false, 'u', false).capabilities?.pushNotifications).toBe(false);
  });

  it('lists the skills given, with copies of their tags and examples', () => {
    const tags = ['orders'];
    const card = buildAgentCard(
      {
        ...options,
        version: '2.1.0',
        skills: [
          {
            id: 'track',
            name: 'Track',
            description: 'Where is my order',
            tags,
            examples: ['Where is 42?'],
          },
        ],
      },
      false,
      'u',
      false,
    );
    tags.push('changed later');
    expect(card.version).toBe('2.1.0');
    expect(card.skills).toEqual([
      expect.objectContaining({ id: 'track', tags: ['orders'], examples: ['Where is 42?'] }),
    ]);
  });

  it('adds the v0.3 interface next to v1.0 when the door speaks both', () => {
    const card = buildAgentCard(options, false, 'https://agents.example/', true);
    expect(card.supportedInterfaces.length).toBeGreaterThan(1);
  });
});

describe('agentCardResponse', () => {
  it('writes the endpoint into every interface, as JSON that varies by A2A-Version', async () => {
    const card = buildAgentCard(options, false, 'placeholder', true);
    const response = agentCardResponse(card, 'https://agents.example/a2a/', false);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('vary')).toBe(A2A_VERSION_HEADER);
    const json = (await response.json()) as { supportedInterfaces: { url: string }[] };
    expect(
      json.supportedInterfaces.every((each) => each.url === 'https://agents.example/a2a/'),
    ).toBe(true);
    // The card itself is left as it was: the next request writes its own endpoint.
    expect(card.supportedInterfaces.every((each) => each.url === 'placeholder')).toBe(true);
  });

  it('keeps a card whose address came from the Host header out of shared caches', () => {
    const card = buildAgentCard(options, false, 'u', false);
    expect(agentCardResponse(card, 'https://a.example/', true).headers.get('cache-control')).toBe(
      'private, max-age=300',
    );
    expect(agentCardResponse(card, 'https://a.example/', false).headers.get('cache-control')).toBe(
      'public, max-age=300',
    );
  });
});

describe('toLegacyAgentCard', () => {
  it('is the v0.3 card: one url, JSON-RPC preferred, the skills without v1.0`s fields', () => {
    const card = buildAgentCard(
      { ...options, provider: { organization: 'Acme', url: 'https://acme.example' } },
      true,
      'u',
      true,
    );
    expect(toLegacyAgentCard(card, 'https://agents.example/')).toEqual({
      protocolVersion: '0.3.0',
      name: 'Support',
      description: 'Answers questions about orders.',
      url: 'https://agents.example/',
      preferredTransport: 'JSONRPC',
      additionalInterfaces: [{ url: 'https://agents.example/', transport: 'JSONRPC' }],
      version: '1.0.0',
      provider: { organization: 'Acme', url: 'https://acme.example' },
      capabilities: { streaming: true, pushNotifications: true },
      defaultInputModes: ['text/plain'],
      defaultOutputModes: ['text/plain'],
      skills: [
        {
          id: 'ask',
          name: 'Support',
          description: 'Answers questions about orders.',
          tags: [],
          examples: [],
        },
      ],
    });
    expect(toLegacyAgentCard(buildAgentCard(options, false, 'u', true), 'x')).not.toHaveProperty(
      'provider',
    );
  });
});

describe('withBearerScheme', () => {
  it('requires an OAuth bearer token and says where to get one', () => {
    const card = buildAgentCard(options, false, 'u', false);
    withBearerScheme(card, 'https://agents.example/.well-known/oauth-protected-resource');
    expect(card.securityRequirements).toEqual([{ schemes: { oauth: { list: [] } } }]);
    expect(JSON.stringify(card.securitySchemes)).toContain(
      'https://agents.example/.well-known/oauth-protected-resource',
    );
    expect(JSON.stringify(card.securitySchemes)).toContain('"scheme":"Bearer"');
  });
});
