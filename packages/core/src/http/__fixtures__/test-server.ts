import { setupServer } from 'msw/node';
import { readFixtureText } from '../../__fixtures__/recorded-gemini.ts';

/**
 * Test-only helpers for the client tests (this folder is excluded from the build).
 */

/** A recorded fixture's text, by its path under `test/fixtures/gemini/`. */
export const readFixture: (path: string) => string = readFixtureText;

/** The msw server of a test file; it fails any request no handler answers. */
export function createTestServer(): ReturnType<typeof setupServer> {
  return setupServer();
}

/** A fake API key, distinctive enough to search for in every output. */
export const TEST_KEY = 'AIzaTEST-secret-key-0123456789';

/** Google's v1beta root. */
export const GOOGLE = 'https://generativelanguage.googleapis.com/v1beta';

/** A `text/event-stream` body that sends `chunks` (raw strings), one per read. */
export function sseBody(chunks: readonly string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let index = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[index++];
      if (chunk === undefined) controller.close();
      else controller.enqueue(encoder.encode(chunk));
    },
  });
}

/** One SSE event for a JSON value, framed as Gemini frames it. */
export function sseEvent(value: unknown): string {
  return `data: ${JSON.stringify(value)}\r\n\r\n`;
}

/** A minimal GenerateContentResponse with one text part. */
export function textResponse(text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    candidates: [{ content: { role: 'model', parts: [{ text }] }, index: 0 }],
    usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 2, totalTokenCount: 5 },
    modelVersion: 'gemini-2.5-flash',
    ...extra,
  };
}
