// An agent for the built bin's chat tests where its tools play no part or only a signal's abort
// does (a test fixture, commands/chat.bin.test.ts): on the fake Gemini whose URL the test puts in
// GEMLOOP_CHAT_TEST_URL, with a tool that waits until its call is aborted, and an export `close`
// that writes the file GEMLOOP_CHAT_CLOSED_FILE names, so the test sees it ran. No MCP SDK to load
// (chat-agent.ts's server and client cost ~0.7 s of CPU a process).
import { writeFileSync } from 'node:fs';
import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { z } from 'zod';

const waitUntilAborted = defineTool({
  name: 'wait_until_aborted',
  description: 'Waits until the call is aborted.',
  parameters: z.object({}),
  execute: (_args, { signal }) =>
    new Promise<string>((_resolve, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    }),
});

export default createAgent({
  gemini: createGemini({
    apiKey: 'test-key',
    baseUrl: process.env['GEMLOOP_CHAT_TEST_URL'] as string,
    retry: false,
  }),
  model: 'gemini-3-flash-preview',
  tools: [waitUntilAborted],
});

/** What a module's `close` stops (an MCP server, a recorder): here, a file says it ran. */
export function close(): void {
  writeFileSync(process.env['GEMLOOP_CHAT_CLOSED_FILE'] as string, 'closed');
}
