import type { Logger } from '@gemloop/core';
import { setUrlAsker } from '../elicitation/url-elicitations.ts';
import { installServerRequestHandlers } from './install-server-request-handlers.ts';
import type { McpServerRequestOptions } from './mcp-server-request-options.ts';

/**
 * What {@link answerMcpServerRequests} needs of an SDK `Client` (v1), declared structurally so
 * that these declarations do not need the SDK's types.
 */
export type McpRequestHandlingClient = {
  registerCapabilities(capabilities: { [capability: string]: unknown }): void;
  // biome-ignore lint/suspicious/noExplicitAny: the SDK's schema-typed signature, not restated here.
  setRequestHandler(schema: any, handler: (...args: any[]) => unknown): void;
  getServerVersion(): { name: string; version: string } | undefined;
};

/**
 * Makes an SDK `Client` you connect yourself (for {@link createMcpTools}) answer the server's
 * elicitation and sampling requests: declares the capabilities and installs the handlers. Call it
 * before `client.connect(...)`: capabilities are exchanged in the handshake.
 *
 * @example
 * const client = new Client({ name: 'my-app', version: '1.0.0' });
 * await answerMcpServerRequests(client, {
 *   elicitation: async (request) => ({ action: 'decline' }),
 *   sampling: { gemini, model: 'gemini-2.5-flash', allowedServers: ['notes'] },
 * });
 * await client.connect(transport);
 *
 * @throws Error from the SDK when the client is already connected.
 */
export async function answerMcpServerRequests(
  client: McpRequestHandlingClient,
  options: McpServerRequestOptions & {
    logger?: Logger | undefined;
    serverName?: string | undefined;
  },
): Promise<void> {
  const types = await import('@modelcontextprotocol/sdk/types.js');
  const askUrl = installServerRequestHandlers({
    client: client as Parameters<typeof installServerRequestHandlers>[0]['client'],
    types,
    options,
    serverName: () => options.serverName ?? client.getServerVersion()?.name,
    logger: options.logger,
  });
  // createMcpTools(client) finds it there: the user's two calls share only the client.
  if (askUrl !== undefined) setUrlAsker(client, askUrl);
}
