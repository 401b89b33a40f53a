// Guide "Streaming a run to a browser": the browser side. EventSource can only GET, so a POST
// with the message is read with fetch and parsed here (or with eventsource-parser).
import type { ChatEvent } from './sse-events.ts';

export async function streamChat(
  message: string,
  onEvent: (event: ChatEvent) => void,
  { url = '/chat', signal }: { url?: string; signal?: AbortSignal } = {},
): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ message }),
    ...(signal ? { signal } : {}),
  });
  if (!response.ok || !response.body) throw new Error(`Chat request failed: ${response.status}`);

  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replaceAll('\r\n', '\n');
    // Events end with a blank line; a chunk can hold several events, or part of one.
    for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
      const data = buffer
        .slice(0, end)
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n');
      buffer = buffer.slice(end + 2);
      if (data) onEvent(JSON.parse(data) as ChatEvent);
    }
  }
}
