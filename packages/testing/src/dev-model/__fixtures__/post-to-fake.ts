import type { FakeGemini } from '../../create-fake-gemini.ts';
import { GOOGLE_GEMINI_BASE_URL } from '../../serve/create-fake-msw-handlers.ts';

/** What the fake answered: the status, the body as text, and the body parsed when it is JSON. */
export type FakeAnswer = { status: number; text: string; json: unknown };

/**
 * Sends a `generateContent` body to the fake in-process (its `fetch`), as a client would, so
 * the tests see the raw JSON the demo model produced. Test-only.
 */
export async function postToFake(
  fake: FakeGemini,
  body: unknown,
  model = 'gemini-3-flash-preview',
): Promise<FakeAnswer> {
  const url = `${GOOGLE_GEMINI_BASE_URL}/v1beta/models/${model}:generateContent`;
  const headers = { 'content-type': 'application/json', 'x-goog-api-key': 'test-key' };
  const response = await fake.fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON: the test reads `text` (and asserts on `status`).
  }
  return { status: response.status, text, json };
}
