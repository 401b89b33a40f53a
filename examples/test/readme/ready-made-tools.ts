// README (@gemloop/tools): the ready-made tools in one agent.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent, createGemini } from '@gemloop/core';
import {
  createCalculatorTool,
  createDateTimeTools,
  createFileTools,
  createWebFetchTool,
} from '@gemloop/tools';

const workspace = mkdtempSync(join(tmpdir(), 'workspace-'));

const agent = createAgent({
  gemini: createGemini(),
  model: 'gemini-3-flash-preview',
  tools: [
    createCalculatorTool(),
    ...createDateTimeTools({ defaultTimeZone: 'Europe/Paris' }).tools,
    createWebFetchTool(),
    ...createFileTools({ root: workspace }).tools, // read-only unless allowWrite: true
  ],
});
console.log((await agent.run('What is 2 ^ 10?')).text);
await agent.close(); // stops the web fetch worker, closes MCP connections
