import { isJsonObject } from '@gemloop/core/internal';
import {
  agentResourcesRoute,
  handleAgentResourcesRequest,
} from '../endpoints/fake-agent-resources.ts';
import { handleBatchCreate, handleBatchRequest } from '../endpoints/fake-batches.ts';
import { handleCacheRequest } from '../endpoints/fake-caches.ts';
import {
  answerBatchEmbedContents,
  answerEmbedContent,
  answerVertexEmbedding,
  EMBED_METHODS,
  isKnownEmbeddingModel,
} from '../endpoints/fake-embeddings.ts';
import {
  handleFileSearchStoreRequest,
  startStoreUpload,
} from '../endpoints/fake-file-search-stores.ts';
import {
  handleDownloadRequest,
  handleFileRequest,
  handleUploadRequest,
} from '../endpoints/fake-files.ts';
import { handleInteractionsRequest, interactionsRoute } from '../endpoints/fake-interactions.ts';
import { DEFAULT_LISTED_MODELS, describeModel, isKnownModel } from '../endpoints/fake-models.ts';
import {
  authenticateVertex,
  checkVertexBody,
  checkVertexCountTokensBody,
  type FakeVertexRoute,
  looksLikeVertex,
  matchVertexRoute,
} from '../endpoints/fake-vertex.ts';
import { generateFakeReply } from '../endpoints/generate-fake-reply.ts';
import { estimatePromptTokens } from '../replies/estimate-usage.ts';
import { type FakeHttpError, fakeErrors, googleError } from '../script/fake-errors.ts';
import type { FakeRecordedRequest } from '../script/fake-types.ts';
import { type FakeRoute, jsonReply } from '../state/fake-reply.ts';
import type { FakeHttpRequest, FakeReply, FakeState } from '../state/fake-state.ts';
import { breakGatewayReply, breakGatewayRequest } from './fake-gateway-mistakes.ts';

/** `/{version}/models`, `/{version}/models/{model}`, `/{version}/models/{model}:{method}`. */
const route =
  /^\/(?:[^?]*\/)?(v\d+(?:alpha|beta)?\d*)\/models(?:\/([^/:?]+)(?::([A-Za-z]+))?)?\/?(?:\?(.*))?$/;

/** `/{version}/cachedContents`, `/{version}/cachedContents/{id}`. */
const cacheRoute =
  /^\/(?:[^?]*\/)?(v\d+(?:alpha|beta)?\d*)\/cachedContents(?:\/([^/:?]+))?\/?(?:\?(.*))?$/;

/** Vertex AI's `/{v1|v1beta1}/projects/{p}/locations/{l}/cachedContents[/{id}]`. */
const vertexCacheRoute =
  /^\/(v1(?:beta1)?)\/projects\/([^/?]+)\/locations\/([^/?]+)\/cachedContents(?:\/([^/:?]+))?\/?(?:\?(.*))?$/;

/** `/upload/{version}/files`, the resumable upload. */
const uploadRoute = /^\/(?:[^?]*\/)?upload\/(v\d+(?:alpha|beta)?\d*)\/files\/?(?:\?(.*))?$/;
/** `/download/{version}/files/{id}:download`. */
const downloadRoute =
  /^\/(?:[^?]*\/)?download\/(v\d+(?:alpha|beta)?\d*)\/files\/([^/:?]+):download(?:\?(.*))?$/;
/** `/{version}/files`, `/{version}/files/{id}`. */
const fileRoute = /^\/(?:[^?]*\/)?(v\d+(?:alpha|beta)?\d*)\/files(?:\/([^/:?]+))?\/?(?:\?(.*))?$/;
/** `/upload/{version}/fileSearchStores/{id}:uploadToFileSearchStore`, the resumable upload to a store. */
const storeUploadRoute =
  /^\/(?:[^?]*\/)?upload\/(v\d+(?:alpha|beta)?\d*)\/fileSearchStores\/([^/:?]+):uploadToFileSearchStore(?:\?(.*))?$/;
/**
 * `/{version}/fileSearchStores[/{id}[:{verb}|/documents[/{doc}]|/[upload/]operations/{op}]]`.
 */
const storeRoute =
  /^\/(?:[^?]*\/)?(v\d+(?:alpha|beta)?\d*)\/fileSearchStores(?:\/([^/:?]+)(?::([A-Za-z]+)|\/((?:upload\/)?operations\/[^/?]+|documents(?:\/[^/?]+)?))?)?\/?(?:\?(.*))?$/;
/** `/{version}/batches`, `/{version}/batches/{id}`, `/{version}/batches/{id}:cancel`. */
const batchRoute =
  /^\/(?:[^?]*\/)?(v\d+(?:alpha|beta)?\d*)\/batches(?:\/([^/:?]+)(?::([A-Za-z]+))?)?\/?(?:\?(.*))?$/;

/**
 * The one request handler behind every transport (node HTTP server, msw, `fake.fetch`): routes,
 * authenticates like the API, records the request, and answers.
 * @internal
 */
export async function handleFakeRequest(
  state: FakeState,
  request: FakeHttpRequest,
): Promise<FakeReply> {
  const recorded = record(state, request);
  const reply = await replyTo(state, request, recorded);
  recorded.status = reply.status;
  const { onRequest } = state.options;
  if (onRequest !== undefined) {
    try {
      onRequest(recorded);
    } catch {
      // A listener (a log line) must not change what the client gets.
    }
  }
  return reply;
}

async function replyTo(
  state: FakeState,
  request: FakeHttpRequest,
  recorded: FakeRecordedRequest,
): Promise<FakeReply> {
  const mistakes = state.gatewayMistakes;
  if (mistakes.size === 0) return answer(state, request, recorded);
  const passed = breakGatewayRequest(mistakes, request);
  return 'status' in passed && !('url' in passed)
    ? jsonReply(state, passed)
    : breakGatewayReply(mistakes, await answer(state, passed as FakeHttpRequest, recorded));
}

async function answer(
  state: FakeState,
  request: FakeHttpRequest,
  recorded: FakeRecordedRequest,
): Promise<FakeReply> {
  const path = safeDecode(request.url);
  const cacheMatch = cacheRoute.exec(path);
  if (cacheMatch !== null) return answerCache(state, request, recorded, cacheMatch);
  const vertexCache = vertexCacheRoute.exec(path);
  if (vertexCache !== null) return answerVertexCache(state, request, recorded, vertexCache);
  const interactions = interactionsRoute.exec(path);
  if (interactions !== null) {
    Object.assign(recorded, { method: 'interactions', apiVersion: interactions[1] });
    const query = new URLSearchParams(interactions[4] ?? '');
    const authError = authenticate(state, request, query);
    if (authError !== undefined) return jsonReply(state, authError);
    return handleInteractionsRequest(state, request, recorded, interactions);
  }
  const resources = agentResourcesRoute.exec(path);
  if (resources !== null) {
    Object.assign(recorded, { method: resources[2], apiVersion: resources[1] });
    const query = new URLSearchParams(resources[6] ?? '');
    const authError = authenticate(state, request, query);
    if (authError !== undefined) return jsonReply(state, authError);
    return handleAgentResourcesRequest(state, request, recorded, resources);
  }
  const filesReply = await answerFilesApi(state, request, recorded, path);
  if (filesReply !== undefined) return filesReply;
  const storeReply = answerFileSearchStores(state, request, recorded, path);
  if (storeReply !== undefined) return storeReply;
  const vertex = matchVertexRoute(path);
  if (vertex !== undefined) return answerVertex(state, request, recorded, vertex);
  const match = looksLikeVertex(path) ? null : route.exec(path);
  if (match === null) {
    return jsonReply(
      state,
      googleError(
        404,
        `[gemloop fake] No route for ${request.method} ${redactUrl(request.url)}. The fake serves /{version}/models[/{model}[:generateContent|:streamGenerateContent|:countTokens]].`,
      ),
    );
  }
  const [, apiVersion = 'v1beta', model, method, queryText] = match;
  const query = new URLSearchParams(queryText ?? '');
  const stream = method === 'streamGenerateContent';
  const alt = query.get('alt') ?? undefined;
  const routed: FakeRoute = {
    apiVersion,
    model,
    method: method ?? (model === undefined ? 'listModels' : 'getModel'),
    stream,
    alt,
    query,
  };
  Object.assign(recorded, { method: routed.method, model, stream, alt, apiVersion });
  // Errors of the stream endpoint: not `data:`-framed on SSE, array-wrapped without alt=sse.
  const errorStyle = stream ? (alt === 'sse' ? 'sse' : 'array') : 'json';
  const authError = authenticate(state, request, query);
  if (authError !== undefined) return jsonReply(state, authError, errorStyle);
  const isGet = request.method === 'GET';
  if (routed.method === 'listModels' && isGet) return listModels(state, query);
  if (model === undefined) return jsonReply(state, notFoundRoute(request));
  if (EMBED_METHODS.has(routed.method)) {
    return answerEmbedding(state, request, recorded, { model, method: routed.method, apiVersion });
  }
  const known =
    isKnownModel(model, state.options.models) ||
    (routed.method === 'getModel' && isKnownEmbeddingModel(model, state.options.models));
  const apiMethod =
    routed.method === 'getModel'
      ? 'get'
      : routed.method === 'countTokens'
        ? 'countTokens'
        : 'generateContent';
  if (!known)
    return jsonReply(state, fakeErrors.modelNotFound(model, apiVersion, apiMethod), errorStyle);
  if (routed.method === 'getModel' && isGet)
    return jsonReply(state, { status: 200, body: describeModel(model) });
  if (request.method !== 'POST') return jsonReply(state, notFoundRoute(request), errorStyle);
  const body = parseBody(request.body);
  recorded.body = body.value;
  if (!body.ok) {
    // Approximated: the API's proto-JSON parser answers this for a body that is not JSON.
    return jsonReply(
      state,
      googleError(400, 'Invalid JSON payload received. Unexpected token.'),
      errorStyle,
    );
  }
  if (routed.method === 'countTokens') return countTokens(state, body.value);
  if (routed.method === 'batchGenerateContent') return handleBatchCreate(state, model, body.value);
  if (routed.method !== 'generateContent' && !stream)
    return jsonReply(state, notFoundRoute(request));
  return generateFakeReply(state, { route: routed, model, body: body.value, recorded, errorStyle });
}

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
    authenticate: () => authenticate(state, request, query),
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
  const body = parseBody(request.body);
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

/** The Files and Batch API routes (Google's Gemini API only), or undefined for another route. */
async function answerFilesApi(
  state: FakeState,
  request: FakeHttpRequest,
  recorded: FakeRecordedRequest,
  path: string,
): Promise<FakeReply | undefined> {
  const upload = uploadRoute.exec(path);
  const download = upload === null ? downloadRoute.exec(path) : null;
  const file = upload === null && download === null ? fileRoute.exec(path) : null;
  const batch =
    upload === null && download === null && file === null ? batchRoute.exec(path) : null;
  const match = upload ?? download ?? file ?? batch;
  if (match === null) return undefined;
  const apiVersion = match[1] ?? 'v1beta';
  const query = new URLSearchParams((upload !== null ? match[2] : (match[3] ?? match[4])) ?? '');
  const method =
    upload !== null
      ? 'files.upload'
      : download !== null
        ? 'files.download'
        : file !== null
          ? `files.${request.method === 'DELETE' ? 'delete' : match[2] === undefined ? 'list' : 'get'}`
          : `batches.${match[3] ?? (request.method === 'DELETE' ? 'delete' : match[2] === undefined ? 'list' : 'get')}`;
  Object.assign(recorded, { method, apiVersion });
  const authError = authenticate(state, request, query);
  if (authError !== undefined) return jsonReply(state, authError);
  if (upload !== null) {
    // The recording keeps the start's JSON, never a chunk's bytes.
    if (!query.has('upload_id')) recorded.body = parseBody(request.body).value;
    return handleUploadRequest(state, request, apiVersion, query);
  }
  if (download !== null) return handleDownloadRequest(state, match[2] as string);
  if (file !== null) return handleFileRequest(state, request, match[2], query);
  return handleBatchRequest(state, request, recorded, {
    apiVersion,
    id: match[2],
    action: match[3],
    query: new URLSearchParams(match[4] ?? ''),
  });
}

/** The File Search store routes (Google's Gemini API only), or undefined for another route. */
function answerFileSearchStores(
  state: FakeState,
  request: FakeHttpRequest,
  recorded: FakeRecordedRequest,
  path: string,
): FakeReply | undefined {
  const upload = storeUploadRoute.exec(path);
  if (upload !== null) {
    const [, apiVersion = 'v1beta', storeId = '', queryText] = upload;
    const query = new URLSearchParams(queryText ?? '');
    Object.assign(recorded, { method: 'fileSearchStores.upload', apiVersion });
    const authError = authenticate(state, request, query);
    if (authError !== undefined) return jsonReply(state, authError);
    if (query.has('upload_id')) return handleUploadRequest(state, request, apiVersion, query);
    const body = parseBody(request.body);
    recorded.body = body.value;
    const started = startStoreUpload(state, storeId, body.value);
    if ('error' in started) return jsonReply(state, started.error);
    return handleUploadRequest(state, request, apiVersion, query, {
      path: `fileSearchStores/${storeId}:uploadToFileSearchStore`,
      upload: started.upload,
    });
  }
  const match = storeRoute.exec(path);
  if (match === null) return undefined;
  const [, apiVersion = 'v1beta', storeId, verb, rest, queryText] = match;
  const query = new URLSearchParams(queryText ?? '');
  const method =
    verb !== undefined
      ? verb
      : rest?.includes('operations')
        ? 'getOperation'
        : rest !== undefined
          ? `${request.method === 'DELETE' ? 'delete' : rest === 'documents' ? 'list' : 'get'}Document${rest === 'documents' ? 's' : ''}`
          : storeId === undefined
            ? request.method === 'POST'
              ? 'create'
              : 'list'
            : request.method === 'DELETE'
              ? 'delete'
              : 'get';
  Object.assign(recorded, { method: `fileSearchStores.${method}`, apiVersion });
  const authError = authenticate(state, request, query);
  if (authError !== undefined) return jsonReply(state, authError);
  const body = parseBody(request.body);
  recorded.body = body.value;
  if (!body.ok)
    return jsonReply(state, googleError(400, 'Invalid JSON payload received. Unexpected token.'));
  return handleFileSearchStoreRequest(state, request, { storeId, verb, rest }, query, body.value);
}

const cacheMethods: Readonly<Record<string, (id: string | undefined) => string>> = {
  POST: () => 'caches.create',
  GET: (id) => (id === undefined ? 'caches.list' : 'caches.get'),
  PATCH: () => 'caches.update',
  DELETE: () => 'caches.delete',
};

/** A Vertex AI route: Bearer token, the same model checks, Vertex's own refusals. */
async function answerVertex(
  state: FakeState,
  request: FakeHttpRequest,
  recorded: FakeRecordedRequest,
  vertex: FakeVertexRoute,
): Promise<FakeReply> {
  const { apiVersion, model, method, queryText } = vertex;
  const query = new URLSearchParams(queryText ?? '');
  const stream = method === 'streamGenerateContent';
  const alt = query.get('alt') ?? undefined;
  const routed: FakeRoute = { apiVersion, model, method, stream, alt, query };
  Object.assign(recorded, { method, model, stream, alt, apiVersion });
  const errorStyle = stream ? (alt === 'sse' ? 'sse' : 'array') : 'json';
  const authError = authenticateVertex(request.headers, state.options.accessTokens);
  if (authError !== undefined) return jsonReply(state, authError, errorStyle);
  if (method === 'embedContent' || method === 'predict') {
    return answerEmbedding(state, request, recorded, { model, method, apiVersion, vertex });
  }
  if (!isKnownModel(model, state.options.models)) {
    return jsonReply(
      state,
      googleError(
        404,
        `Publisher Model \`projects/${vertex.project}/locations/${vertex.location}/publishers/google/models/${model}\` was not found or your project does not have access to it.`,
      ),
      errorStyle,
    );
  }
  if (request.method !== 'POST') return jsonReply(state, notFoundRoute(request), errorStyle);
  const body = parseBody(request.body);
  recorded.body = body.value;
  if (!body.ok) {
    return jsonReply(
      state,
      googleError(400, 'Invalid JSON payload received. Unexpected token.'),
      errorStyle,
    );
  }
  if (method === 'countTokens') {
    const unknown = checkVertexCountTokensBody(body.value);
    return unknown === undefined ? countTokens(state, body.value) : jsonReply(state, unknown);
  }
  if (method !== 'generateContent' && !stream) return jsonReply(state, notFoundRoute(request));
  const refusal = checkVertexBody(body.value, stream);
  if (refusal !== undefined) return jsonReply(state, refusal, errorStyle);
  return generateFakeReply(state, {
    route: routed,
    model,
    body: body.value,
    recorded,
    errorStyle,
    vertex: true,
  });
}

/**
 * An embedding route (`embedContent`, `batchEmbedContents`; Vertex's `embedContent`, `predict`),
 * authenticated by the caller: the model must be an embedding model, the body is checked as the
 * API checks it (`fake-embeddings.ts`).
 */
function answerEmbedding(
  state: FakeState,
  request: FakeHttpRequest,
  recorded: FakeRecordedRequest,
  route: { model: string; method: string; apiVersion: string; vertex?: FakeVertexRoute },
): FakeReply {
  const { model, method, apiVersion, vertex } = route;
  if (!isKnownEmbeddingModel(model, state.options.models)) {
    return jsonReply(
      state,
      vertex === undefined
        ? fakeErrors.modelNotFound(model, apiVersion, method)
        : googleError(
            404,
            `Publisher Model \`projects/${vertex.project}/locations/${vertex.location}/publishers/google/models/${model}\` was not found or your project does not have access to it.`,
          ),
    );
  }
  if (request.method !== 'POST' || (vertex === undefined && method === 'predict')) {
    return jsonReply(state, notFoundRoute(request));
  }
  const body = parseBody(request.body);
  recorded.body = body.value;
  if (!body.ok) {
    return jsonReply(state, googleError(400, 'Invalid JSON payload received. Unexpected token.'));
  }
  if (vertex !== undefined)
    return jsonReply(state, answerVertexEmbedding(model, method, body.value, state.options.embed));
  if (method === 'asyncBatchEmbedContent') {
    return handleBatchCreate(state, model, body.value, 'embed');
  }
  return jsonReply(
    state,
    method === 'embedContent'
      ? answerEmbedContent(model, body.value, state.options.embed)
      : answerBatchEmbedContents(model, body.value, state.options.embed),
  );
}

function authenticate(
  state: FakeState,
  request: FakeHttpRequest,
  query: URLSearchParams,
): FakeHttpError | undefined {
  const authorization = request.headers['authorization'];
  const bearer = authorization?.startsWith('Bearer ') ? authorization.slice(7).trim() : undefined;
  const key = request.headers['x-goog-api-key'] || bearer || query.get('key') || undefined;
  if (key === undefined) return fakeErrors.permissionDenied();
  const accepted = state.options.apiKeys;
  if (accepted !== undefined && !accepted.includes(key)) return fakeErrors.apiKeyInvalid();
  return undefined;
}

function listModels(state: FakeState, query: URLSearchParams): FakeReply {
  const models = Array.isArray(state.options.models) ? state.options.models : DEFAULT_LISTED_MODELS;
  const pageSize = Math.max(1, Number(query.get('pageSize')) || 50);
  const offset = Math.max(0, Number(query.get('pageToken')) || 0);
  const page = models.slice(offset, offset + pageSize);
  const body: Record<string, unknown> = { models: page.map(describeModel) };
  if (offset + pageSize < models.length) body['nextPageToken'] = String(offset + pageSize);
  return jsonReply(state, { status: 200, body });
}

function countTokens(state: FakeState, body: unknown): FakeReply {
  const request =
    isJsonObject(body) && isJsonObject(body['generateContentRequest'])
      ? body['generateContentRequest']
      : body;
  const estimate = estimatePromptTokens(request);
  const promptTokensDetails = [{ modality: 'TEXT', tokenCount: estimate.text }];
  if (estimate.media > 0)
    promptTokensDetails.push({ modality: 'IMAGE', tokenCount: estimate.media });
  return jsonReply(state, {
    status: 200,
    body: { totalTokens: estimate.text + estimate.media, promptTokensDetails },
  });
}

function notFoundRoute(request: FakeHttpRequest): FakeHttpError {
  return googleError(
    404,
    `[gemloop fake] ${request.method} ${redactUrl(request.url)} is not a route of the Gemini API.`,
  );
}

function parseBody(text: string): { ok: true; value: unknown } | { ok: false; value: undefined } {
  if (text === '') return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, value: undefined };
  }
}

function record(state: FakeState, request: FakeHttpRequest): FakeRecordedRequest {
  const headers: Record<string, string> = {};
  for (const name in request.headers) {
    const value = request.headers[name] as string;
    if (name === 'x-goog-api-key') headers[name] = '[redacted]';
    else if (name === 'authorization')
      headers[name] = value.startsWith('Bearer ') ? 'Bearer [redacted]' : '[redacted]';
    else headers[name] = value;
  }
  const recorded: FakeRecordedRequest = {
    index: state.requestsReceived++,
    httpMethod: request.method,
    method: 'unknown',
    model: undefined,
    stream: false,
    alt: undefined,
    apiVersion: undefined,
    url: redactUrl(request.url),
    headers,
    body: undefined,
    status: 0,
    fault: undefined,
    receivedAt: state.options.now?.() ?? Date.now(),
  };
  state.requests.push(recorded);
  const keep = state.options.keepRequests;
  if (keep !== undefined && state.requests.length > keep) state.requests.shift();
  return recorded;
}

function redactUrl(url: string): string {
  return url.includes('key=') ? url.replace(/([?&]key=)[^&]*/g, '$1[redacted]') : url;
}

function safeDecode(url: string): string {
  if (!url.includes('%')) return url;
  try {
    return decodeURI(url).replace(/%3A/gi, ':');
  } catch {
    return url;
  }
}
