// An MCP server that asks back in the middle of a tool call, answered at the terminal and shown in
// the run: the server's `book_table` asks how many people (elicitation, a form), `sign_in` sends
// the user to a page (elicitation, URL mode), and `summarize` asks for a model call (sampling, on
// your key under your policy). The run's stream shows each as an `mcp-requests` plugin event, as
// do its spans, its recording and `gemloop view`.
//
// In a terminal you answer the questions; piped (as in CI), or with --auto, the answers are typed
// for you ("4", "y"), through the same prompts.
//
//   node scripts/run-example.mjs mcp-asks
//   node scripts/run-example.mjs mcp-asks --auto

import { PassThrough } from 'node:stream';
import { createAgent } from '@gemloop/core';
import { turn } from '@gemloop/testing';
import {
  answerMcpElicitationsAtTerminal,
  answerMcpServerRequests,
  createMcpElicitationBroker,
  createMcpRunLink,
  createMcpTools,
} from '@gemloop/tools';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { run } from '../lib/run.ts';
import { shownAnswer } from '../lib/trace-printer.ts';
import { bookingsServer } from './bookings-server.ts';

const REQUEST = 'Book a table for tonight, link my calendar, and summarize the booking.';

// Offline, the fake makes the calls a real model would, answers the server's sampling request, and
// sums up.
const SCRIPT = [
  turn.call('book_table', {}),
  turn.call('sign_in', {}),
  turn.call('summarize', {}),
  turn.text('A table for four at 8 pm.'),
  turn.text('Your table for four is booked, your calendar is linked, and the summary is saved.'),
];

await run(
  async ({ gemini, model, flags, style }) => {
    // One link ties what the server asks to the run whose call it is; the broker waits for answers.
    const link = createMcpRunLink();
    const elicitations = createMcpElicitationBroker({ link, timeoutMs: 5 * 60_000 });

    const server = bookingsServer();
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    await server.connect(serverTransport);
    const client = new Client({ name: 'mcp-asks-example', version: '1.0.0' });
    await answerMcpServerRequests(client, {
      elicitation: elicitations.handler,
      sampling: { gemini, model, allowedServers: ['bookings'], maxTokens: 200, link },
    });
    await client.connect(clientTransport);
    const { tools } = await createMcpTools(client, { closeClient: true });

    const interactive = flags.auto !== true && process.stdin.isTTY === true;
    // Piped: the same prompts, with the answers typed in advance.
    const input = interactive ? process.stdin : new PassThrough();
    if (!interactive) (input as PassThrough).end('4\ny\n');
    const stop = answerMcpElicitationsAtTerminal(elicitations, { input, output: process.stdout });

    const agent = createAgent({ gemini, model, tools, plugins: [link.plugin] });
    console.log(style.bold(`Request: ${REQUEST}`));
    // What the run showed of it (its stream; its spans and recording show the same).
    const shown: string[] = [];
    try {
      for await (const event of agent.stream(REQUEST)) {
        if (event.type === 'plugin') {
          const data = event.data as {
            mode?: string;
            action?: string;
            usage?: { totalTokenCount: number };
          };
          const what =
            event.kind === 'sampling'
              ? `${data.usage?.totalTokenCount ?? 0} tokens`
              : (data.mode ?? data.action ?? '');
          shown.push(`  ${event.plugin}: ${event.kind} (${what})`);
        }
        if (event.type === 'run-end') console.log(`\n${shownAnswer(event.result.text)}`);
      }
      console.log(`\nThe run's events:\n${shown.join('\n')}`);
    } finally {
      stop();
      await agent.close();
      await server.close();
    }
  },
  {
    script: SCRIPT,
    flags: {
      auto: { type: 'boolean', description: 'Type the answers (4 people, page opened) for you.' },
    },
  },
);
