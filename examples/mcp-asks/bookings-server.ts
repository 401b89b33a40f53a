import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';

// The restaurant's MCP server of the mcp-asks examples (mcp-asks.ts, chat-agent.ts).

/** The restaurant's MCP server (in this process): its tools ask the client back. */
export function bookingsServer(): McpServer {
  const server = new McpServer({ name: 'bookings', version: '1.0.0' });
  server.registerTool(
    'book_table',
    { description: 'Books a table.', inputSchema: {} },
    async () => {
      const answer = await server.server.elicitInput({
        message: 'How many people?',
        requestedSchema: {
          type: 'object',
          properties: { people: { type: 'integer', title: 'People', minimum: 1, maximum: 12 } },
          required: ['people'],
        },
      });
      const text =
        answer.action === 'accept'
          ? `Booked for ${String(answer.content?.['people'])} at 8 pm.`
          : `Not booked (${answer.action}).`;
      return { content: [{ type: 'text', text }] };
    },
  );
  server.registerTool(
    'sign_in',
    { description: 'Links the calendar.', inputSchema: {} },
    async () => {
      const answer = await server.server.elicitInput({
        mode: 'url',
        message: 'Link your calendar to add the booking.',
        url: 'https://calendar.example/authorize?client=bookings',
        elicitationId: 'link-1',
      });
      return { content: [{ type: 'text', text: `Calendar: ${answer.action}` }] };
    },
  );
  server.registerTool(
    'summarize',
    { description: 'Summarizes the booking.', inputSchema: {} },
    async () => {
      const result = await server.server.createMessage({
        messages: [{ role: 'user', content: { type: 'text', text: 'Summarize: table, 8 pm.' } }],
        maxTokens: 100,
      });
      return { content: [{ type: 'text', text: JSON.stringify(result.content) }] };
    },
  );
  return server;
}
