import type { FakeGemini } from '../create-fake-gemini.ts';

/** How a test reaches the fake: in-process (`fake.fetch`) or a base URL (real HTTP, msw). */
export type FakeTarget = FakeGemini | string;

/** Options of {@link callFake}. */
export type CallFakeOptions = {
  model?: string;
  /** `generateContent` (default), `sse` (`streamGenerateContent?alt=sse`) or `array` (no alt). */
  mode?: 'unary' | 'sse' | 'array';
  apiKey?: string | null;
  headers?: Record<string, string>;
};

/** What a call returned: status, headers, raw text and the parsed JSON when it is JSON. */
export type FakeCallResult = { status: number; headers: Headers; text: string; json: unknown };

/** Posts a body to the fake with plain fetch, the way the API is called. Test-only. */
export async function callFake(
  target: FakeTarget,
  body: unknown,
  { model = 'gemini-3-flash-preview', mode = 'unary', apiKey = 'test-key', headers = {} }: CallFakeOptions = {},
): Promise<FakeCallResult> {
  const method = mode === 'unary' ? 'generateContent' : 'streamGenerateContent';
  const query = mode === 'sse' ? '?alt=sse' : '';
  const base = typeof target === 'string' ? target : 'https://generativelanguage.googleapis.com';
  const doFetch = typeof target === 'string' ? globalThis.fetch : target.fetch;
  const response = await doFetch(`${base}/v1beta/models/${model}:${method}${query}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(apiKey === null ? {} : { 'x-goog-api-key': apiKey }),
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** The `data:` payloads of an SSE body, parsed. */
export function parseSseEvents(text: string): unknown[] {
  return text
    .split('\r\n\r\n')
    .filter((event) => event !== '')
    .map((event) => {
      if (!event.startsWith('data: ')) throw new Error(`not an SSE data event: ${event.slice(0, 40)}`);
      return JSON.parse(event.slice(6));
    });
}

/** The error message of a Google error body (plain or array-wrapped). */
export function errorMessage(json: unknown): string | undefined {
  const root = Array.isArray(json) ? json[0] : json;
  return (root as { error?: { message?: string } } | undefined)?.error?.message;
}
