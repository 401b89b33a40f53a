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
  if (!Array.isArray(tools)) return NONE;
  // Made on the first secret only, and the two keys read by name rather than from a list made per
  // tool: every model call of every step runs this (about 150 instructions a streamed step,
  // callgrind of the ABBA client, helper step-cpu2).
  let secrets: string[] | undefined;
  for (const tool of tools as (Tool | null | undefined)[]) {
    if (typeof tool !== 'object' || tool === null) continue;
    secrets = withSecret(secrets, tool.exaAiSearch?.apiKey);
    secrets = withSecret(secrets, tool.parallelAiSearch?.apiKey);
    const servers = tool.mcpServers;
    if (!Array.isArray(servers)) continue;
    for (const server of servers) {
      const headers = server?.streamableHttpTransport?.headers;
      if (typeof headers !== 'object' || headers === null) continue;
      for (const value of Object.values(headers)) secrets = withSecret(secrets, value);
    }
  }
  return secrets ?? NONE;
}

/** No secret: shared, never written to (the caller only reads it). */
const NONE: string[] = [];

function withSecret(secrets: string[] | undefined, value: unknown): string[] | undefined {
  if (typeof value !== 'string' || value === '') return secrets;
  if (secrets === undefined) return [value];
  secrets.push(value);
  return secrets;
}
