// README: human approval of tool calls.
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { z } from 'zod';

const deleteFile = defineTool({
  name: 'delete_file',
  description: 'Deletes a file.',
  parameters: z.object({ path: z.string() }),
  execute: async ({ path }) => ({ deleted: path }),
});

const agent = createAgent({
  gemini: createGemini(),
  model: 'gemini-3-flash-preview',
  tools: [deleteFile],
  beforeToolCall: ({ toolName, args }) => {
    const { path } = args as { path: string };
    if (toolName === 'delete_file' && !path.startsWith('tmp/')) {
      return { type: 'deny', message: `Only files in tmp/ may be deleted, not ${path}.` };
    }
    return { type: 'approve' }; // or { type: 'modify', args: { ... } }
  },
});

console.log((await agent.run('Delete "tmp/cache.json", then delete "notes.md".')).text);
