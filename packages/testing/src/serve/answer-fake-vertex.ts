import { isKnownModel } from '../endpoints/fake-models.ts';
import {
  authenticateVertex,
  checkVertexBody,
  checkVertexCountTokensBody,
  type FakeVertexRoute,
} from '../endpoints/fake-vertex.ts';
import { generateFakeReply } from '../endpoints/generate-fake-reply.ts';
import { googleError } from '../script/fake-errors.ts';
import type { FakeRecordedRequest } from '../script/fake-types.ts';
import { type FakeRoute, jsonReply } from '../state/fake-reply.ts';
import type { FakeHttpRequest, FakeReply, FakeState } from '../state/fake-state.ts';
import { answerFakeEmbedding, countFakeTokens } from './answer-fake-models.ts';
import { notFoundRoute, parseFakeBody } from './read-fake-request.ts';

/**
 * A Vertex AI model route: Bearer token, the same model checks, Vertex's own refusals.
 * @internal
 */
export async function answerFakeVertex(
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
    return answerFakeEmbedding(state, request, recorded, { model, method, apiVersion, vertex });
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
  const body = parseFakeBody(request.body);
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
    return unknown === undefined ? countFakeTokens(state, body.value) : jsonReply(state, unknown);
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
