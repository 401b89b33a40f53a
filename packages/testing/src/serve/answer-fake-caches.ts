import { handleCacheRequest } from '../endpoints/fake-caches.ts';
import { authenticateVertex } from '../endpoints/fake-vertex.ts';
import { type FakeHttpError, googleError } from '../script/fake-errors.ts';
import type { FakeRecordedRequest } from '../script/fake-types.ts';
import { jsonReply } from '../state/fake-reply.ts';
import type { FakeHttpRequest, FakeReply, FakeState } from '../state/fake-state.ts';
import {
  type AnswerFakeRoutes,
  authenticateFakeRequest,
  parseFakeBody,
} from './read-fake-request.ts';

/** `/{version}/cachedContents`, `/{version}/cachedContents/{id}`. */
const cacheRoute =
  /^\/(?:[^?]*\/)?(v\d+(?:alpha|beta)?\d*)\/cachedContents(?:\/([^/:?]+))?\/?(?:\?(.*))?$/;

/** Vertex AI's `/{v1|v1beta1}/projects/{p}/locations/{l}/cachedContents[/{id}]`. */
const vertexCacheRoute =
  /^\/(v1(?:beta1)?)\/projects\/([^/?]+)\/locations\/([^/?]+)\/cachedContents(?:\/([^/:?]+))?\/?(?:\?(.*))?$/;

/**
 * The cached-content routes of both platforms (Gemini API and Vertex AI), or undefined for
 * another route.
 * @internal
 */
export const answerFakeCaches: AnswerFakeRoutes<FakeReply | undefined> = (
  state,
  request,
  recorded,
  path,
) => {
  const cacheMatch = cacheRoute.exec(path);
  if (cacheMatch !== null) return answerCache(state, request, recorded, cacheMatch);
  const vertexCache = vertexCacheRoute.exec(path);
  if (vertexCache !== null) return answerVertexCache(state, request, recorded, vertexCache);
  return undefined;
};

/** A Gemini API cache route: the API key, and the caches it made. */
function answerCache(
  state: FakeState,
  request: FakeHttpRequest,
  recorded: FakeRecordedRequest,
  [, apiVersion = 'v1beta', id, queryText]: RegExpExecArray,
): FakeReply {
  const query = new URLSearchParams(queryText ?? '');
  return answerCacheRoute(state, request, recorded, {
    apiVersion,
    id,
    query,
    authenticate: () => authenticateFakeRequest(state, request, query),
    parent: undefined,
  });
}

/** A Vertex AI cache route: Bearer token, the caches of the path's project and location. */
function answerVertexCache(
  state: FakeState,
  request: FakeHttpRequest,
  recorded: FakeRecordedRequest,
  [, apiVersion = 'v1', project, location, id, queryText]: RegExpExecArray,
): FakeReply {
  return answerCacheRoute(state, request, recorded, {
    apiVersion,
    id,
    query: new URLSearchParams(queryText ?? ''),
    authenticate: () => authenticateVertex(request.headers, state.options.accessTokens),
    parent: `projects/${project}/locations/${location}`,
  });
}

/** A cache route once parsed: recorded, authenticated its platform's way, its body read. */
function answerCacheRoute(
  state: FakeState,
  request: FakeHttpRequest,
  recorded: FakeRecordedRequest,
  route: {
    apiVersion: string;
    id: string | undefined;
    query: URLSearchParams;
    authenticate: () => FakeHttpError | undefined;
    parent: string | undefined;
  },
): FakeReply {
  const method = cacheMethods[request.method]?.(route.id) ?? 'unknown';
  Object.assign(recorded, { method, apiVersion: route.apiVersion });
  const authError = route.authenticate();
  if (authError !== undefined) return jsonReply(state, authError);
  const body = parseFakeBody(request.body);
  recorded.body = body.value;
  if (!body.ok) {
    return jsonReply(state, googleError(400, 'Invalid JSON payload received. Unexpected token.'));
  }
  return handleCacheRequest(state, {
    httpMethod: request.method,
    apiVersion: route.apiVersion,
    id: route.id,
    query: route.query,
    body: body.value,
    parent: route.parent,
  });
}

const cacheMethods: Readonly<Record<string, (id: string | undefined) => string>> = {
  POST: () => 'caches.create',
  GET: (id) => (id === undefined ? 'caches.list' : 'caches.get'),
  PATCH: () => 'caches.update',
  DELETE: () => 'caches.delete',
};
