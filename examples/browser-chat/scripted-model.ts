import type { FakeScriptFunction, FakeTurn } from '@gemloop/testing';
import { turn } from '@gemloop/testing';

/**
 * The offline model of the browser-chat example: it answers by the user's last words, so every
 * path of the page can be tried without a key.
 *
 * - "weather in <city>": calls `get_weather`, then says what it got;
 * - "email <address>": calls `send_email` (which waits for your approval on the page);
 * - "news": calls `wait_for_news`, which waits until the server releases it (or the run stops);
 * - a question with files (the page's `<input type=file>`): says what it was sent, each file's type
 *   and size;
 * - anything else: a few sentences, streamed in small chunks.
 */
export const scriptedModel: FakeScriptFunction = (request) => {
  const contents =
    (request.body as { contents?: { role?: string; parts?: Record<string, unknown>[] }[] })
      .contents ?? [];
  const last = contents.at(-1);
  const response = last?.parts?.find((part) => part['functionResponse'] !== undefined)?.[
    'functionResponse'
  ] as { name: string; response: unknown } | undefined;
  if (response !== undefined) {
    return turn.text(`Done: ${response.name} answered ${JSON.stringify(response.response)}.`);
  }
  const text = String(
    last?.parts?.find((part) => typeof part['text'] === 'string')?.['text'] ?? '',
  );
  const files = (last?.parts ?? []).flatMap((part) => {
    const inline = part['inlineData'] as { mimeType: string; data: string } | undefined;
    return inline === undefined ? [] : [inline];
  });
  if (files.length > 0) {
    const sizes = files.map(({ mimeType, data }) => `${mimeType}, ${base64Bytes(data)} bytes`);
    return turn.text(`I got ${files.length} file(s): ${sizes.join('; ')}.`);
  }
  const weather = /weather in ([A-Za-z ]+)/i.exec(text);
  if (weather !== null) return turn.call('get_weather', { city: (weather[1] as string).trim() });
  const email = /email (\S+@\S+)/i.exec(text);
  if (email !== null) {
    return turn.call('send_email', {
      to: email[1] as string,
      subject: 'Hello',
      body: 'Sent from the page.',
    });
  }
  if (/news/i.test(text)) return turn.call('wait_for_news', {});
  const story: FakeTurn = turn.text(
    'Once upon a time, an agent streamed its answer to a page, one small piece at a time, and the page showed every word as it came.',
  );
  return story;
};

/** The bytes a base64 text holds, without decoding it. */
function base64Bytes(data: string): number {
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return Math.floor((data.length * 3) / 4) - padding;
}
