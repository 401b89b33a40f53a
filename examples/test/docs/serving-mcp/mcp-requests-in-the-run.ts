import { createAgent, type Gemini } from '@gemloop/core';
import { toEventStreamResponse } from '@gemloop/core/web';
import {
  answerMcpElicitationsAtTerminal,
  connectMcpHttp,
  createMcpElicitationBroker,
  createMcpRunLink,
} from '@gemloop/tools';

// docs/serving-mcp.md, "In the run": what an MCP server asks shows in the run whose tool call
// asks, answered from the run's page or at a terminal.

export async function bookingsInTheRun(options: {
  gemini: Gemini;
  model: string;
  url: string;
  message: string;
}) {
  const { gemini, model, url, message } = options;
  // One link: its plugin ties what a server asks to the run whose tool call it is.
  const link = createMcpRunLink();
  const elicitations = createMcpElicitationBroker({ link });
  const bookings = await connectMcpHttp({
    url,
    elicitation: elicitations.handler,
    sampling: { gemini, model, allowedServers: ['bookings'], link },
  });
  const agent = createAgent({ gemini, model, tools: bookings.tools, plugins: [link.plugin] });

  // A page: the run's stream carries the questions; its answers go to the broker's route.
  const response = toEventStreamResponse(agent.stream(message), { pluginEvents: ['mcp-requests'] });
  // POST /elicitations -> elicitations.handleAnswer(request)
  return { response, elicitations, bookings };
}

export function askAtTheTerminal(elicitations: ReturnType<typeof createMcpElicitationBroker>) {
  // A terminal: the same questions, a form's fields one by one, a page's address to confirm.
  const stop = answerMcpElicitationsAtTerminal(elicitations, {
    input: process.stdin,
    output: process.stderr,
  });
  return stop;
}
