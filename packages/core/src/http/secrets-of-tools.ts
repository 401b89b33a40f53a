import type { Tool } from '../wire/request.ts';

/**
 * The credentials a request carries in its body's tools: the Exa.ai and Parallel.ai API keys of
 * `exaAiSearch` / `parallelAiSearch` (`@google/genai` 3.1.0 `ToolExaAiSearch.apiKey`,
 * `ToolParallelAiSearch.apiKey`) and the header values of server-side MCP servers
 * (`streamableHttpTransport.headers`). The call redacts them like its own header credentials, so
 * the trace-level body log, an error or a span never shows them.
 * @internal
 */
export function secretsOfTools(tools: unknown): string[] {
  const secrets: string[] = [];
  if (!Array.isArray(tools)) return secrets;
  for (const tool of tools as (Tool | null | undefined)[]) {
    if (typeof tool !== 'object' || tool === null) continue;
    // Read by name, not from a two-key list made per tool: every model call runs this (the list
    // was about 150 instructions a streamed step, callgrind of the ABBA client, helper step-cpu2).
    addSecret(secrets, tool.exaAiSearch?.apiKey);
    addSecret(secrets, tool.parallelAiSearch?.apiKey);
    const servers = tool.mcpServers;
    if (!Array.isArray(servers)) continue;
    for (const server of servers) {
      const headers = server?.streamableHttpTransport?.headers;
      if (typeof headers !== 'object' || headers === null) continue;
      for (const value of Object.values(headers)) addSecret(secrets, value);
    }
  }
  return secrets;
}

function addSecret(secrets: string[], value: unknown): void {
  if (typeof value === 'string' && value !== '') secrets.push(value);
}
