// README (@gemloop/tools): MCP servers as tools (typechecked only: it starts real MCP servers).
import { createAgent, createGemini } from '@gemloop/core';
import { connectMcpHttp, connectMcpStdio } from '@gemloop/tools';

const token = process.env['MCP_TOKEN'];

export async function main(): Promise<void> {
  const files = await connectMcpStdio({
    command: 'npx',
    args: ['-y', '@modelcontextprotocol/server-filesystem', '.'],
    prefix: 'fs_',
  });
  const remote = await connectMcpHttp({
    url: 'https://example.com/mcp',
    headers: { authorization: `Bearer ${token}` },
  });
  const agent = createAgent({
    gemini: createGemini(),
    model: 'gemini-3-flash-preview',
    tools: [...files.tools, ...remote.tools],
  });
  console.log((await agent.run('List the files here.')).text);
  await agent.close(); // closes both connections (or files.close(), remote.close(); idempotent)
}
