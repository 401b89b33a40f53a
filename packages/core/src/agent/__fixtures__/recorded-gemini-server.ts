import { HttpResponse, http } from 'msw';
import { type SetupServer, setupServer } from 'msw/node';
import { readFixtureText } from '../../__fixtures__/recorded-gemini.ts';
import type { GenerateContentBody } from '../../wire/request.ts';

/** The Gemini API host the client talks to by default. */
export const GOOGLE_BASE_URL = 'https://generativelanguage.googleapis.com';

/** A request the server received: the exact body text, parsed, and where it went. */
export type ReceivedRequest = {
  url: string;
  stream: boolean;
  /** The body bytes as sent. */
  text: string;
  body: GenerateContentBody;
};

/**
 * An msw server that answers Gemini model calls, in order, with recorded bodies from
 * `test/fixtures/gemini/` (served byte for byte: JSON for `generateContent`, the raw SSE file
 * for `streamGenerateContent`) or with inline JSON, and records every request body as sent.
 * Test-only.
 */
export function createRecordedGeminiServer(): {
  server: SetupServer;
  received: ReceivedRequest[];
  /** Queue the next answers: a fixture path (`.json` or `.sse`) or a JSON value. */
  answerWith(...answers: (string | Record<string, unknown>)[]): void;
} {
  const received: ReceivedRequest[] = [];
  const queue: (string | Record<string, unknown>)[] = [];
  const server = setupServer(
    http.post(`${GOOGLE_BASE_URL}/v1beta/models/:call`, async ({ request }) => {
      const text = await request.text();
      const stream = request.url.includes(':streamGenerateContent');
      received.push({ url: request.url, stream, text, body: JSON.parse(text) as GenerateContentBody });
      const answer = queue.shift();
      if (answer === undefined) {
        return HttpResponse.json(
          { error: { code: 400, message: `no recorded answer left for call ${received.length}`, status: 'FAILED_PRECONDITION' } },
          { status: 400 },
        );
      }
      if (typeof answer !== 'string') return HttpResponse.json(answer);
      const body = readFixtureText(answer);
      if (answer.endsWith('.sse')) {
        return new HttpResponse(body, { headers: { 'content-type': 'text/event-stream' } });
      }
      return new HttpResponse(body, { headers: { 'content-type': 'application/json; charset=UTF-8' } });
    }),
  );
  return {
    server,
    received,
    answerWith: (...answers) => {
      queue.push(...answers);
    },
  };
}
