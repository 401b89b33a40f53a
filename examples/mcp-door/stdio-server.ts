// The MCP door on stdio: what Claude Desktop, Cursor or VS Code start (docs/serving-mcp.md).
// Offline (no GEMINI_API_KEY) the fake Gemini plays the model, so the config works as is; with a
// key the agent asks Gemini. Nothing but the protocol goes to stdout.
//
//   node --conditions=@gemloop/source --import tsx mcp-door/stdio-server.ts   (from examples/)

import { createGemini } from '@gemloop/core';
import { createFakeGemini } from '@gemloop/testing';
import { serveOverStdio } from '../test/docs/serving-mcp/serve-mcp.ts';
import { createSupportMcp } from '../test/docs/serving-mcp/support-mcp.ts';
import { supportScript } from '../test/docs/serving-mcp/support-script.ts';

const online = (process.env['GEMINI_API_KEY'] ?? '') !== '';
const gemini = online
  ? createGemini()
  : createGemini({
      apiKey: 'offline',
      retry: false,
      fetch: createFakeGemini({ script: supportScript }).fetch,
    });
// stdio has one caller, the process that started this one: no tokens to check.
const { door } = createSupportMcp({ gemini, model: 'gemini-2.5-flash', tokens: {} });
await serveOverStdio(door);
