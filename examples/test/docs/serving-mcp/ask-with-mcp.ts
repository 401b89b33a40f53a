import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

// docs/serving-mcp.md: the MCP SDK's own client asks the agent, with progress, in a session.

function textOf(result: Awaited<ReturnType<Client['callTool']>>): string {
  const content = result.content as { type: string; text?: string }[];
  return content.map((part) => part.text ?? '').join('');
}

export async function askAboutAnOrder(url: string, token: string) {
  const client = new Client({ name: 'orders-client', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  try {
    const { tools } = await client.listTools();
    const progress: string[] = [];
    const first = await client.callTool(
      { name: 'ask_support', arguments: { message: 'Where is order A-7?', sessionId: 'order-a7' } },
      undefined,
      { onprogress: ({ message }) => progress.push(message ?? '') },
    );
    // The same sessionId: the agent remembers the order it looked up.
    const next = await client.callTool({
      name: 'ask_support',
      arguments: { message: 'When does it arrive?', sessionId: 'order-a7' },
    });
    return {
      tools: tools.map((tool) => tool.name),
      first: textOf(first),
      progress,
      next: textOf(next),
    };
  } finally {
    await client.close();
  }
}
