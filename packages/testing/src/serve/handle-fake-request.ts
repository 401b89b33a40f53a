import {
  agentResourcesRoute,
  handleAgentResourcesRequest,
} from '../endpoints/fake-agent-resources.ts';
import { handleInteractionsRequest, interactionsRoute } from '../endpoints/fake-interactions.ts';
import { looksLikeVertex, matchVertexRoute } from '../endpoints/fake-vertex.ts';
import { googleError } from '../script/fake-errors.ts';
import type { FakeRecordedRequest } from '../script/fake-types.ts';
import { jsonReply } from '../state/fake-reply.ts';
import type { FakeHttpRequest, FakeReply, FakeState } from '../state/fake-state.ts';
import { answerFakeCaches } from './answer-fake-caches.ts';
import { answerFakeFileSearchStores } from './answer-fake-file-search-stores.ts';
import { answerFakeFilesApi } from './answer-fake-files-api.ts';
import { answerFakeModels } from './answer-fake-models.ts';
import { answerFakeVertex } from './answer-fake-vertex.ts';
import { breakGatewayReply, breakGatewayRequest } from './fake-gateway-mistakes.ts';
import { authenticateFakeRequest, redactFakeUrl } from './read-fake-request.ts';

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
    : breakGatewayReply(
        mistakes,
        await answer(state, passed as FakeHttpRequest, recorded),
        (passed as FakeHttpRequest).url,
      );
}

/** Routes a request: each family of routes answers its own, or passes with undefined. */
async function answer(
  state: FakeState,
  request: FakeHttpRequest,
  recorded: FakeRecordedRequest,
): Promise<FakeReply> {
  const path = safeDecode(request.url);
  const cacheReply = answerFakeCaches(state, request, recorded, path);
  if (cacheReply !== undefined) return cacheReply;
  const interactions = interactionsRoute.exec(path);
  if (interactions !== null) {
    Object.assign(recorded, { method: 'interactions', apiVersion: interactions[1] });
    const query = new URLSearchParams(interactions[4] ?? '');
    const authError = authenticateFakeRequest(state, request, query);
    if (authError !== undefined) return jsonReply(state, authError);
    return handleInteractionsRequest(state, request, recorded, interactions);
  }
  const resources = agentResourcesRoute.exec(path);
  if (resources !== null) {
    Object.assign(recorded, { method: resources[2], apiVersion: resources[1] });
    const query = new URLSearchParams(resources[6] ?? '');
    const authError = authenticateFakeRequest(state, request, query);
    if (authError !== undefined) return jsonReply(state, authError);
    return handleAgentResourcesRequest(state, request, recorded, resources);
  }
  const filesReply = await answerFakeFilesApi(state, request, recorded, path);
  if (filesReply !== undefined) return filesReply;
  const storeReply = answerFakeFileSearchStores(state, request, recorded, path);
  if (storeReply !== undefined) return storeReply;
  const vertex = matchVertexRoute(path);
  if (vertex !== undefined) return answerFakeVertex(state, request, recorded, vertex);
  const modelsReply = looksLikeVertex(path)
    ? undefined
    : await answerFakeModels(state, request, recorded, path);
  return (
    modelsReply ??
    jsonReply(
      state,
      googleError(
        404,
        `[gemloop fake] No route for ${request.method} ${redactFakeUrl(request.url)}. The fake serves /{version}/models[/{model}[:generateContent|:streamGenerateContent|:countTokens]].`,
      ),
    )
  );
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
    url: redactFakeUrl(request.url),
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

function safeDecode(url: string): string {
  if (!url.includes('%')) return url;
  try {
    return decodeURI(url).replace(/%3A/gi, ':');
  } catch {
    return url;
  }
}
