import { isJsonObject } from '@gemloop/core/internal';
import { handleBatchCreate } from '../endpoints/fake-batches.ts';
import {
  answerBatchEmbedContents,
  answerEmbedContent,
  answerVertexEmbedding,
  EMBED_METHODS,
  isKnownEmbeddingModel,
} from '../endpoints/fake-embeddings.ts';
import { DEFAULT_LISTED_MODELS, describeModel, isKnownModel } from '../endpoints/fake-models.ts';
import type { FakeVertexRoute } from '../endpoints/fake-vertex.ts';
import { generateFakeReply } from '../endpoints/generate-fake-reply.ts';
import { estimatePromptTokens } from '../replies/estimate-usage.ts';
import { fakeErrors, googleError } from '../script/fake-errors.ts';
import type { FakeRecordedRequest } from '../script/fake-types.ts';
import { type FakeRoute, jsonReply } from '../state/fake-reply.ts';
import type { FakeHttpRequest, FakeReply, FakeState } from '../state/fake-state.ts';
import {
  type AnswerFakeRoutes,
  authenticateFakeRequest,
  notFoundRoute,
  parseFakeBody,
} from './read-fake-request.ts';

/** `/{version}/models`, `/{version}/models/{model}`, `/{version}/models/{model}:{method}`. */
const route =
  /^\/(?:[^?]*\/)?(v\d+(?:alpha|beta)?\d*)\/models(?:\/([^/:?]+)(?::([A-Za-z]+))?)?\/?(?:\?(.*))?$/;

/**
 * The Gemini API's model routes (list, get, generate, stream, count, embed, batch), or undefined
 * for a path that is not one.
 * @internal
 */
export const answerFakeModels: AnswerFakeRoutes<Promise<FakeReply | undefined>> = async (
  state,
  request,
  recorded,
  path,
) => {
  const match = route.exec(path);
  if (match === null) return undefined;
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
  const authError = authenticateFakeRequest(state, request, query);
  if (authError !== undefined) return jsonReply(state, authError, errorStyle);
  const isGet = request.method === 'GET';
  if (routed.method === 'listModels' && isGet) return listModels(state, query);
  if (model === undefined) return jsonReply(state, notFoundRoute(request));
  if (EMBED_METHODS.has(routed.method)) {
    return answerFakeEmbedding(state, request, recorded, {
      model,
      method: routed.method,
      apiVersion,
    });
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
  const body = parseFakeBody(request.body);
  recorded.body = body.value;
  if (!body.ok) {
    // Approximated: the API's proto-JSON parser answers this for a body that is not JSON.
    return jsonReply(
      state,
      googleError(400, 'Invalid JSON payload received. Unexpected token.'),
      errorStyle,
    );
  }
  if (routed.method === 'countTokens') return countFakeTokens(state, body.value);
  if (routed.method === 'batchGenerateContent') return handleBatchCreate(state, model, body.value);
  if (routed.method !== 'generateContent' && !stream)
    return jsonReply(state, notFoundRoute(request));
  return generateFakeReply(state, { route: routed, model, body: body.value, recorded, errorStyle });
};

/**
 * An embedding route (`embedContent`, `batchEmbedContents`; Vertex's `embedContent`, `predict`),
 * authenticated by the caller: the model must be an embedding model, the body is checked as the
 * API checks it (`fake-embeddings.ts`).
 * @internal
 */
export function answerFakeEmbedding(
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
  const body = parseFakeBody(request.body);
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

/**
 * `countTokens`' answer: the prompt's estimated tokens, by modality (a `generateContentRequest`
 * wrapper read through).
 * @internal
 */
export function countFakeTokens(state: FakeState, body: unknown): FakeReply {
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

function listModels(state: FakeState, query: URLSearchParams): FakeReply {
  const models = Array.isArray(state.options.models) ? state.options.models : DEFAULT_LISTED_MODELS;
  const pageSize = Math.max(1, Number(query.get('pageSize')) || 50);
  const offset = Math.max(0, Number(query.get('pageToken')) || 0);
  const page = models.slice(offset, offset + pageSize);
  const body: Record<string, unknown> = { models: page.map(describeModel) };
  if (offset + pageSize < models.length) body['nextPageToken'] = String(offset + pageSize);
  return jsonReply(state, { status: 200, body });
}
