import { type FakeHttpError, fakeErrors, googleError } from '../script/fake-errors.ts';
import type { FakeRecordedRequest } from '../script/fake-types.ts';
import type { FakeHttpRequest, FakeState } from '../state/fake-state.ts';

/**
 * One family of routes (the models, the caches, the Files API...): its answer to a request on
 * one of its paths, undefined for a path of another family.
 * @internal
 */
export type AnswerFakeRoutes<Result> = (
  state: FakeState,
  request: FakeHttpRequest,
  recorded: FakeRecordedRequest,
  path: string,
) => Result;

/**
 * Authenticates a Gemini API request as the API does: a key in `x-goog-api-key`, a Bearer token
 * or the `key` query parameter, checked against the fake's `apiKeys` when it has them.
 * @internal
 */
export function authenticateFakeRequest(
  state: FakeState,
  request: FakeHttpRequest,
  query: URLSearchParams,
): FakeHttpError | undefined {
  const bearer = bearerToken(request.headers['authorization']);
  const key = request.headers['x-goog-api-key'] || bearer || query.get('key') || undefined;
  if (key === undefined) return fakeErrors.permissionDenied();
  const accepted = state.options.apiKeys;
  if (accepted !== undefined && !accepted.includes(key)) return fakeErrors.apiKeyInvalid();
  return undefined;
}

/**
 * The token of an `Authorization: Bearer <token>` header, the scheme in any case (RFC 9110
 * section 11.1: "It uses a case-insensitive token to identify the authentication scheme", so
 * `bearer KEY`, as some clients and proxies write it, is the credential CometAPI takes beside
 * x-goog-api-key); undefined for another scheme, an empty token or no header. Vertex routes keep
 * their own, case-sensitive reading (fake-vertex.ts, pinned by its test).
 * @internal
 */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^bearer[ \t]+(.*)$/is.exec(authorization ?? '');
  const token = match?.[1]?.trim();
  return token === undefined || token === '' ? undefined : token;
}

/**
 * A request's JSON body: `{}` for an empty one, `ok: false` for one that does not parse.
 * @internal
 */
export function parseFakeBody(
  text: string,
): { ok: true; value: unknown } | { ok: false; value: undefined } {
  if (text === '') return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, value: undefined };
  }
}

/**
 * The 404 of a path or method the Gemini API does not serve, its URL's key redacted.
 * @internal
 */
export function notFoundRoute(request: FakeHttpRequest): FakeHttpError {
  return googleError(
    404,
    `[gemloop fake] ${request.method} ${redactFakeUrl(request.url)} is not a route of the Gemini API.`,
  );
}

/**
 * The URL with its `key` query parameter replaced by `[redacted]`, for recordings and messages.
 * @internal
 */
export function redactFakeUrl(url: string): string {
  return url.includes('key=') ? url.replace(/([?&]key=)[^&]*/g, '$1[redacted]') : url;
}
