import { loadMsw } from '#platform/load-msw';
import type { FakeMswHandler } from './fake-msw-handler.ts';
import { isFakeConnectionError } from './to-fetch-response.ts';

/** The Gemini API base URL, the default of the msw handlers. */
export const GOOGLE_GEMINI_BASE_URL = 'https://generativelanguage.googleapis.com';

/**
 * msw handlers that answer Gemini requests under `baseUrl` with the fake. msw is an optional
 * peer dependency: this is the only module that loads it, synchronously and only when called, so
 * `createFakeGemini` and its HTTP server never need it.
 * @internal
 */
export function createFakeMswHandlers(
  handleFetch: (request: Request) => Promise<Response>,
  baseUrl: string = GOOGLE_GEMINI_BASE_URL,
): FakeMswHandler[] {
  const msw = loadMsw();
  const base = baseUrl.replace(/\/+$/, '');
  const escaped = base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // `.../v1beta/models`, `.../models/gemini-x`, `.../models/gemini-x:generateContent?alt=sse`.
  const pattern = new RegExp(`^${escaped}/(?:[^?]*/)?models(?:[/?].*)?$`);
  const resolver = ({ request }: { request: Request }): Promise<Response> =>
    handleFetch(request).catch((error: unknown) => {
      // A connection dropped before the headers is a network error in msw's terms.
      if (isFakeConnectionError(error)) return Response.error();
      throw error;
    });
  return [msw.http.post(pattern, resolver), msw.http.get(pattern, resolver)];
}
