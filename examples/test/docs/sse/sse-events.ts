// Guide "Streaming a run to a browser": the agent's events as server-sent events.
import type { Agent, AgentEvent } from '@gemloop/core';

/** What the browser gets: the answer as it is written, tool activity, and the end. */
export type ChatEvent =
  | { type: 'text'; text: string }
  | { type: 'tool'; name: string; status: 'running' | 'done' | 'failed' }
  | { type: 'done'; finishReason: string; totalTokens: number }
  | { type: 'error'; message: string };

/** Picks what a chat UI shows; the history, arguments and results stay on the server. */
export function toChatEvent(event: AgentEvent): ChatEvent | undefined {
  switch (event.type) {
    case 'text-delta':
      return { type: 'text', text: event.text };
    case 'tool-call':
      return { type: 'tool', name: event.toolName, status: 'running' };
    case 'tool-result':
      return { type: 'tool', name: event.toolCall.toolName, status: 'done' };
    case 'tool-error':
      return { type: 'tool', name: event.toolCall.toolName, status: 'failed' };
    case 'run-end':
      return {
        type: 'done',
        finishReason: event.result.finishReason,
        totalTokens: event.result.usage.totalTokenCount,
      };
    default:
      return undefined;
  }
}

/** One server-sent event: `event:` names it, `data:` is one line of JSON. */
export function toSseFrame(event: ChatEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * Runs the agent and yields SSE frames. Aborting `signal` (the browser went away) stops the run and
 * its tools. A failure becomes a last `error` event; its details go to the server's log, not to
 * the browser.
 */
export async function* streamRunAsSse(
  agent: Agent,
  message: string,
  signal: AbortSignal,
): AsyncGenerator<string> {
  try {
    for await (const event of agent.stream(message, { signal })) {
      const chatEvent = toChatEvent(event);
      if (chatEvent) yield toSseFrame(chatEvent);
    }
  } catch (error) {
    if (signal.aborted) return; // nobody is listening any more
    console.error(error);
    yield toSseFrame({ type: 'error', message: 'The assistant failed. Please try again.' });
  }
}

/** The same frames as a byte stream, for a `Response` body (Next.js, Hono, any fetch handler). */
export function toSseStream(
  agent: Agent,
  message: string,
  signal: AbortSignal,
): ReadableStream<Uint8Array> {
  const frames = streamRunAsSse(agent, message, signal);
  const encoder = new TextEncoder();
  return new ReadableStream({
    async pull(controller) {
      const { value, done } = await frames.next();
      if (done) controller.close();
      else controller.enqueue(encoder.encode(value));
    },
    async cancel() {
      await frames.return(undefined);
    },
  });
}

/** The headers of an SSE response; `no-transform` keeps proxies from buffering or compressing it. */
export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
};
