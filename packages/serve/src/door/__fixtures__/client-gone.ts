import type { Writable } from 'node:stream';
import { INITIALIZE } from '../../mcp/__fixtures__/raw-mcp-session.ts';

// What the tests of a client that leaves share: a model that answers one chunk and stays open (so
// a run is in flight when the client goes), a wait on a condition, and an MCP stdio client's
// opening up to its `ask_support` call.

/** One request to the model: its signal, and whether its answer's body was cancelled. */
export type ModelCall = { signal: AbortSignal | undefined; cancelled: boolean };

/** A Gemini whose streamed answer sends "Hel" and then stays open; `calls` records each request. */
export function silentAfterFirstChunk() {
  const calls: ModelCall[] = [];
  const fetch = async (_input: RequestInfo | URL, init?: RequestInit) => {
    const call: ModelCall = { signal: init?.signal ?? undefined, cancelled: false };
    calls.push(call);
    const chunk = {
      candidates: [{ index: 0, content: { role: 'model', parts: [{ text: 'Hel' }] } }],
    };
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(`data: ${JSON.stringify(chunk)}\r\n\r\n`));
      },
      cancel() {
        call.cancelled = true;
      },
    });
    return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
  };
  return { fetch: fetch as typeof globalThis.fetch, calls };
}

/** Waits for `check` (a hang guard: the test's own time limit ends a wait that never comes). */
export async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 5));
}

/**
 * An MCP client's opening on stdio, as raw JSON lines: `initialize` (answered, read through
 * `answered`), `notifications/initialized`, then `tools/call` of `ask_support` with "Hi".
 */
export async function askSupportOverStdio(stdin: Writable, answered: () => string): Promise<void> {
  const line = (message: unknown) => `${JSON.stringify(message)}\n`;
  stdin.write(
    line(INITIALIZE),
  );
  await until(() => answered().includes('"id":0'));
  stdin.write(line({ jsonrpc: '2.0', method: 'notifications/initialized' }));
  stdin.write(
    line({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'ask_support', arguments: { message: 'Hi' } },
    }),
  );
}
