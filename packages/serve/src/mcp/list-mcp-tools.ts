import type { Tool as McpTool } from '@modelcontextprotocol/sdk/types.js';
import { askInputSchema, askOutputSchema } from './ask-agent.ts';
import type { McpSettings } from './check-mcp-options.ts';
import type { ExposedTool } from './mcp-server-options.ts';

/**
 * What `tools/list` answers: each agent as the tool `ask_<name>`, then each exposed tool with its
 * own schema. Worked out once per door: the list does not change while it serves.
 * @internal
 */
export function listMcpTools(settings: Pick<McpSettings, 'agents' | 'exposeTools'>): McpTool[] {
  return [
    ...Object.keys(settings.agents).map((name) => ({
      name: `ask_${name}`,
      title: `Ask ${name}`,
      description: `Asks the gemloop agent "${name}" and answers with its reply. Pass sessionId to hold a conversation over several calls.`,
      inputSchema: askInputSchema as unknown as McpTool['inputSchema'],
      outputSchema: askOutputSchema as unknown as McpTool['outputSchema'],
    })),
    ...settings.exposeTools.map((tool) => ({
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      inputSchema: toolInputSchema(tool),
    })),
  ];
}

function toolInputSchema(tool: ExposedTool): McpTool['inputSchema'] {
  const schema = tool.declaration.parametersJsonSchema ?? tool.declaration.parameters;
  return (
    schema !== undefined && typeof schema === 'object' ? schema : { type: 'object' }
  ) as McpTool['inputSchema'];
}
