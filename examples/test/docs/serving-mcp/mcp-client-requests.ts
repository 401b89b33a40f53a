import { createAgent, type Gemini } from '@gemloop/core';
import { connectMcpHttp, createMcpElicitationBroker } from '@gemloop/tools';

// docs/serving-mcp.md, "The other half": an agent using an MCP server that asks the user for
// input (elicitation) and asks for a model call (sampling).

export async function agentWithBookings(options: { gemini: Gemini; model: string; url: string }) {
  const { gemini, model, url } = options;
  // Each request waits here until a page, a terminal or code answers it.
  const elicitations = createMcpElicitationBroker({ timeoutMs: 5 * 60_000 });
  const bookings = await connectMcpHttp({
    url,
    elicitation: elicitations.handler,
    // Sampling on your key: only for this server, on your model, at most 500 tokens a request.
    sampling: { gemini, model, allowedServers: ['bookings'], maxTokens: 500 },
  });
  const agent = createAgent({ gemini, model, tools: bookings.tools });
  return { agent, elicitations, bookings };
}

/** A terminal's answer: shows the request and fills in the form (here: from fixed values). */
export function answerInCode(
  elicitations: ReturnType<typeof createMcpElicitationBroker>,
  values: Record<string, string | number | boolean>,
) {
  return elicitations.subscribe((event) => {
    if (event.type !== 'elicitation-pending') return;
    const { id, request } = event.elicitation;
    console.log(`${request.server} asks: ${request.message}`);
    elicitations.answer(
      id,
      request.mode === 'form' ? { action: 'accept', content: values } : { action: 'decline' },
    );
  });
}
