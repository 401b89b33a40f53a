/** One parsed server-sent event of a test. */
export type SseEvent = { id: string | undefined; event: string | undefined; data: any };

/** Splits an event-stream text into its events and counts its comment lines (heartbeats). */
export function parseSse(text: string): { events: SseEvent[]; comments: number } {
  const events: SseEvent[] = [];
  let comments = 0;
  for (const block of text.split('\n\n')) {
    if (block.trim() === '') continue;
    let id: string | undefined;
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) comments++;
      else if (line.startsWith('id: ')) id = line.slice(4);
      else if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    if (data.length > 0) events.push({ id, event, data: JSON.parse(data.join('\n')) });
  }
  return { events, comments };
}

/**
 * Reads a body until `until` holds for the text so far (then cancels, as a page that goes away),
 * or to its end.
 */
export async function readBody(
  body: ReadableStream<Uint8Array>,
  until?: (text: string) => boolean,
): Promise<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return text;
    text += decoder.decode(value, { stream: true });
    if (until?.(text)) {
      await reader.cancel();
      return text;
    }
  }
}
