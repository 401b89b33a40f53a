import { listenNodeForTest } from './serve-door.ts';

/** A 1x1 PNG, base64: the image the media tests send. */
export const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
/** An empty WAV file, base64. */
export const WAV = 'UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAEAfAAABAAgAZGF0YQAAAAA=';
/** The head of a PDF, base64. */
export const PDF = 'JVBERi0xLjQKJcOkw7zDtsOfCjEgMCBvYmoKPDwvVHlwZS9DYXRhbG9nPj4KZW5kb2JqCg==';

/** The parts of each user turn of the last request the fake Gemini was sent, in order. */
export function lastRequestUserParts(requests: readonly { body: unknown }[]): unknown[] {
  const body = requests.at(-1)?.body as
    | { contents: { role: string; parts: unknown[] }[] }
    | undefined;
  return (body?.contents ?? [])
    .filter((content) => content.role === 'user')
    .map((content) => content.parts);
}

/** The inlineData parts of each request the fake Gemini was sent, its whole history counted. */
export function mediaPerRequest(requests: readonly { body: unknown }[]): number[] {
  return requests.map((request) => {
    const { contents } = request.body as { contents: { parts: { inlineData?: unknown }[] }[] };
    return contents.flatMap((content) => content.parts).filter((part) => part.inlineData).length;
  });
}

/**
 * A server on 127.0.0.1 counting the requests it gets, closed when the test ends: a URL a client
 * names must never reach it. `url` is an image on it.
 */
export async function countingServer(): Promise<{ hits: { count: number }; url: string }> {
  const hits = { count: 0 };
  const origin = await listenNodeForTest((_request, response) => {
    hits.count += 1;
    response.end('secret');
  });
  return { hits, url: `${origin}/admin.png` };
}
