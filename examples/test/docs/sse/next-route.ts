// Guide "Streaming a run to a browser": a Next.js App Router route handler, app/api/chat/route.ts.
import { agent } from './chat-agent.ts';
import { SSE_HEADERS, toSseStream } from './sse-events.ts';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export async function POST(request: Request): Promise<Response> {
  const { message } = (await request.json()) as { message: string };
  // request.signal aborts when the browser goes away; the run and its tools stop with it.
  return new Response(toSseStream(agent, message, request.signal), { headers: SSE_HEADERS });
}
