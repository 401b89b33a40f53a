import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { McpDoor } from '@gemloop/serve/mcp';
import { toNodeListener } from '@gemloop/serve/node';

// docs/serving-mcp.md: the door on node:http at /mcp (Streamable HTTP), and on stdio.

export async function serveOnNode(door: McpDoor, port = 8788) {
  const handler = door.handler();
  const server = createServer(
    toNodeListener(async (request) =>
      new URL(request.url).pathname === '/mcp'
        ? handler(request)
        : new Response('Not found', { status: 404 }),
    ),
  );
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${bound}/mcp` };
}

/** For Claude Desktop, Cursor, VS Code: they start this process and speak MCP on its stdin/stdout. */
export async function serveOverStdio(door: McpDoor) {
  await door.connectStdio();
}
