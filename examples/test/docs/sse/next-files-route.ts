// Guide "Streaming a run to a browser": a route that takes a page's files with its message
// (`send(text, { files })`, `readMessageFiles`), app/api/chat/route.ts.
import { toEventStreamResponse } from '@gemloop/core/web';
import { MediaPartRefusedError, readPageMessage, toPageRefusal } from '@gemloop/serve/doors';
import { agent } from './chat-agent.ts';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export async function POST(request: Request): Promise<Response> {
  // { message, files?: [{ url: 'data:image/png;base64,...', mediaType, filename, size }] }. Your
  // server's body limit bounds the bytes: raise it for files (the page's default 4 MiB of files
  // is ~5.6 MB of base64); its 413 is the page's "send smaller files".
  const { message, files } = (await request.json()) as { message: string; files?: unknown };
  try {
    // Data URLs only (a remote URL is refused, never fetched), a type Gemini reads, 10 files.
    const { input } = readPageMessage({ message, files });
    return toEventStreamResponse(agent.stream(input, { signal: request.signal }));
  } catch (error) {
    if (!MediaPartRefusedError.isInstance(error)) throw error;
    // The page's client reads this as ClientError `file-refused` with the file and its fault.
    return Response.json(toPageRefusal(error), { status: 400 });
  }
}
