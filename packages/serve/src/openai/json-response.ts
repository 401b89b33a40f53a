import type { OpenAIRequestError } from './openai-request-error.ts';

/** A JSON response. @internal */
export function jsonResponse(body: unknown, status = 200, headers?: HeadersInit): Response {
  const response = new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
  if (headers !== undefined) {
    for (const [name, value] of new Headers(headers)) response.headers.set(name, value);
  }
  return response;
}

/** An {@link OpenAIRequestError} as OpenAI's error response. @internal */
export function errorResponse(error: OpenAIRequestError): Response {
  const headers: Record<string, string> = {};
  if (error.status === 401) headers['www-authenticate'] = 'Bearer';
  if (error.allow !== undefined) headers['allow'] = error.allow;
  if (error.retryAfter !== undefined) headers['retry-after'] = String(error.retryAfter);
  return jsonResponse(error.toBody(), error.status, headers);
}
