// A live agent: the same defineTool tools and instructions as a run, opened as a Gemini Live
// session. The user asks for an order's status; the model calls a background (NON_BLOCKING) tool
// and keeps talking while it runs; the server's goAway moves the session to a new connection with
// its resumption handle, without losing a turn; the tool's result arrives WHEN_IDLE.
//
//   node scripts/run-example.mjs live
//
// With GEMINI_API_KEY set it talks to Google's Live API (--model, default
// gemini-3.1-flash-live-preview); without, gemloop's fake Live server plays the model offline.

import { createAgent, createGemini, defineTool } from '@gemloop/core';
import { createLiveSession, type LiveEvent } from '@gemloop/core/live';
import { createFakeLive } from '@gemloop/testing/live';
import { z } from 'zod';
import { resolveConnection } from '../lib/resolve-connection.ts';
import { runScript } from '../lib/run.ts';
import { shownText } from '../lib/trace-printer.ts';

const LIVE_MODEL = 'gemini-3.1-flash-live-preview';

await runScript(
  async ({ flags }) => {
    const settings = resolveConnection({
      env: process.env,
      model: flags.model,
      offline: flags.offline,
    });
    // Offline: the fake Live server, scripted with what the model would say and do.
    const fake =
      settings.mode === 'offline'
        ? await createFakeLive({
            script: [
              [
                {
                  toolCalls: [{ name: 'order_status', args: { orderId: 'A-1042' }, id: 'call-1' }],
                },
                { text: 'Let me check order A-1042 for you.' },
                { goAway: { timeLeftMs: 60_000 } },
                { text: ' While I look, anything else?' },
              ],
              [{ text: 'Our shop opens at 9:00.' }],
              [{ text: 'Order A-1042 shipped today; it arrives Thursday.' }],
            ],
          })
        : undefined;
    try {
      const gemini =
        settings.mode === 'online'
          ? createGemini({ apiKey: settings.apiKey })
          : createGemini({ apiKey: 'offline-fake-key', baseUrl: (fake as { url: string }).url });
      console.log(
        settings.mode === 'online'
          ? `Online: ${flags.model ?? LIVE_MODEL} on Google's Live API, key from ${settings.keySource}`
          : `Offline: no GEMINI_API_KEY set, using gemloop's fake Live server (scripted answers) on ${fake?.url}`,
      );

      // A stand-in for a slow warehouse: it replies once the customer's next question is
      // answered, so the tool visibly runs while the conversation goes on.
      let warehouseReplies: () => void = () => {};
      const warehouse = new Promise<void>((resolve) => {
        warehouseReplies = resolve;
      });
      const orderStatus = defineTool({
        name: 'order_status',
        description: 'Looks up where an order is. Slow: it asks the warehouse.',
        parameters: z.object({ orderId: z.string() }),
        behavior: 'NON_BLOCKING',
        scheduling: 'WHEN_IDLE',
        execute: async ({ orderId }, { signal }) => {
          await warehouse;
          signal.throwIfAborted();
          return { orderId, status: 'shipped', eta: 'Thursday' };
        },
      });
      const agent = createAgent({
        gemini,
        model: LIVE_MODEL,
        instructions: 'You are a shop assistant. Be brief.',
        tools: [orderStatus],
      });

      const session = await createLiveSession(agent, { model: flags.model ?? LIVE_MODEL });
      try {
        session.sendText('Where is my order A-1042?');
        let turns = 0;
        let line = '';
        for await (const event of session) {
          line = print(event, line);
          if (event.type === 'reconnect') session.sendText('When does the shop open?');
          if (event.type === 'turn-end') turns += 1;
          if (event.type === 'turn-end' && turns === 2) warehouseReplies();
          if (turns === 3) break;
        }
      } finally {
        await session.close();
      }
    } finally {
      await fake?.close();
    }
  },
  {
    description:
      'A live agent: a background tool, a goAway survived, the result delivered when idle.',
    flags: {
      model: { type: 'string', description: `Live model (default: ${LIVE_MODEL}).` },
      offline: { type: 'boolean', description: 'Use the fake Live server even when a key is set.' },
    },
  },
);

/** Prints one event; model text is gathered on one line until the turn ends. */
function print(event: LiveEvent, line: string): string {
  switch (event.type) {
    case 'text-delta':
      return line + event.text;
    case 'turn-end':
      console.log(`model: ${line}`);
      return '';
    case 'tool-call':
      console.log(
        `tool-call ${shownText(event.toolName)}(${shownText(JSON.stringify(event.args))}) ${event.behavior}`,
      );
      return line;
    case 'tool-result':
      console.log(
        `tool-result ${shownText(event.toolName)} -> ${JSON.stringify(event.output)} (${event.scheduling})`,
      );
      return line;
    case 'reconnect':
      console.log(`reconnected after ${event.reason} (attempt ${event.attempt})`);
      return line;
    default:
      return line;
  }
}
