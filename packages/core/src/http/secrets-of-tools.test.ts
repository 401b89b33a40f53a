import { describe, expect, it } from 'vitest';
import { secretsOfTools } from './secrets-of-tools.ts';

describe('secretsOfTools', () => {
  it('finds none in no tools, function tools, or what is not a list of tools', () => {
    expect(secretsOfTools(undefined)).toEqual([]);
    expect(secretsOfTools('tools')).toEqual([]);
    expect(secretsOfTools([])).toEqual([]);
    expect(
      secretsOfTools([null, 7, { functionDeclarations: [{ name: 'add' }] }, { googleSearch: {} }]),
    ).toEqual([]);
  });

  it("lists the search tools' keys and the MCP servers' header values, in the tools' order", () => {
    const tools = [
      { functionDeclarations: [] },
      { exaAiSearch: { apiKey: 'exa-key-1' }, parallelAiSearch: { apiKey: 'parallel-key-2' } },
      {
        mcpServers: [
          null,
          { streamableHttpTransport: { url: 'https://mcp.example' } },
          {
            streamableHttpTransport: {
              headers: { authorization: 'Bearer mcp-3', 'x-empty': '', 'x-count': 5 },
            },
          },
        ],
      },
      { parallelAiSearch: { apiKey: '' }, exaAiSearch: { apiKey: 42 } },
      { exaAiSearch: { apiKey: 'exa-key-4' } },
    ];
    expect(secretsOfTools(tools)).toEqual([
      'exa-key-1',
      'parallel-key-2',
      'Bearer mcp-3',
      'exa-key-4',
    ]);
  });

  it('gives each call its own list when there are secrets', () => {
    const tools = [{ exaAiSearch: { apiKey: 'exa-key' } }];
    const first = secretsOfTools(tools);
    first.push('changed');
    expect(secretsOfTools(tools)).toEqual(['exa-key']);
  });
});
