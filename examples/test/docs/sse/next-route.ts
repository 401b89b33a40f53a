// Guide "Streaming a run to a browser": a Next.js App Router route handler, app/api/chat/route.ts.
import { toEventStreamResponse } from '@gemloop/core/web';
import { agent } from './chat-agent.ts';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export async function POST(request: Request): Promise<Response> {
  const { message } = (await request.json()) as { message: string };
  // request.signal aborts when the browser goes away; the run and its tools stop with it.
  return toEventStreamResponse(agent.stream(message, { signal: request.signal }));
}
