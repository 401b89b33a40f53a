import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import type {
  CountTokensBody,
  CountTokensResponse,
  ListModelsResponse,
  Model,
} from '../wire/models.ts';
import type { GenerateContentRequest } from '../wire/request.ts';
import {
  readCountTokensResponse,
  readListModelsResponse,
  readModelResponse,
} from './attempts/check-resource-responses.ts';
import { withRequestPath } from './attempts/load-request-path.ts';
import { buildGenerateContentBody, toContents } from './build-generate-content-body.ts';
import type { CallOptions } from './call-options.ts';
import type { ClientInternals } from './client-internals.ts';
import type { CountTokensRequest, ListModelsOptions } from './gemini.ts';
import { listOptionsDeclaration, resolveCallOptions } from './options/resolve-call-options.ts';
import { toModelPath } from './options/to-model-path.ts';
import { toPageQuery } from './options/to-page-query.ts';
import { serializeRequestBody } from './serialize-request-body.ts';
import { toVertexCountTokensBody } from './vertex/vertex-count-tokens-body.ts';

/**
 * `gemini.countTokens`, `listModels` and `getModel`, loaded by the first call of one of them
 * (`createGemini`): an agent's run makes none, so an agent app does not load them to run (issue 53,
 * the browser bundle). Each is `async`, so a bad argument rejects the call, as before, never throws.
 * @internal
 */
export const modelMethods = {
  /** `request`: checked to be an object by `createGemini`'s `checkRequest`. */
  async countTokens(
    { client, defaults }: ClientInternals,
    request: CountTokensRequest,
    callOptions: CallOptions | undefined,
  ): Promise<CountTokensResponse> {
    const model = toModelPath(request.model, 'request.model');
    const call = resolveCallOptions(callOptions, client, defaults);
    const url = `${client.root}${model}:countTokens`;
    const method = 'countTokens';
    const whole = toCountTokensBody(request, model);
    const body = serializeRequestBody(
      client.vertex === undefined ? whole : toVertexCountTokensBody(whole),
    );
    return withRequestPath(({ requestJson }) =>
      requestJson({
        client,
        call,
        method,
        model,
        url,
        httpMethod: 'POST',
        body,
        check: readCountTokensResponse,
      }),
    );
  },

  async listModels(
    { client, defaults }: ClientInternals,
    listOptions: ListModelsOptions | undefined,
  ): Promise<ListModelsResponse> {
    if (client.vertex !== undefined) throw notOnVertex('listModels');
    const call = resolveCallOptions(listOptions, client, defaults, listOptionsDeclaration);
    const url = `${client.root}models${toPageQuery(listOptions)}`;
    const method = 'listModels';
    return withRequestPath(({ requestJson }) =>
      requestJson({
        client,
        call,
        method,
        url,
        httpMethod: 'GET',
        check: readListModelsResponse,
      }),
    );
  },

  async getModel(
    { client, defaults }: ClientInternals,
    model: string,
    callOptions: CallOptions | undefined,
  ): Promise<Model> {
    if (client.vertex !== undefined) throw notOnVertex('getModel');
    const path = toModelPath(model);
    const call = resolveCallOptions(callOptions, client, defaults);
    const url = `${client.root}${path}`;
    const method = 'getModel';
    return withRequestPath(({ requestJson }) =>
      requestJson({
        client,
        call,
        method,
        model: path,
        url,
        httpMethod: 'GET',
        check: readModelResponse,
      }),
    );
  },
};

/** The methods {@link modelMethods} holds. @internal */
export type ModelMethods = typeof modelMethods;

function toCountTokensBody(request: CountTokensRequest, model: string): CountTokensBody {
  const hasContents = 'contents' in request && request.contents !== undefined;
  const whole = 'generateContentRequest' in request ? request.generateContentRequest : undefined;
  if (hasContents === (whole !== undefined)) {
    throw new InvalidArgumentError({
      argument: 'request',
      message:
        'countTokens takes either { model, contents } or { model, generateContentRequest } (to count the system instruction and tools too), not both or neither.',
    });
  }
  if (whole === undefined) {
    return {
      contents: toContents((request as { contents: unknown }).contents, 'request.contents'),
    };
  }
  if (typeof whole !== 'object' || whole === null) {
    throw new InvalidArgumentError({
      argument: 'request.generateContentRequest',
      message: 'request.generateContentRequest must be a request object without `model`.',
    });
  }
  const body = buildGenerateContentBody(
    { ...whole, model } as GenerateContentRequest,
    'request.generateContentRequest',
  );
  return { generateContentRequest: { model, ...body } };
}

/**
 * `models.list` / `models.get` are Gemini API methods: Vertex lists publisher models elsewhere
 * (Model Garden, `v1beta1/publishers/google/models`) with another resource shape, which this
 * client does not read.
 */
function notOnVertex(method: string): InvalidArgumentError {
  return new InvalidArgumentError({
    argument: 'vertex',
    message: `${method} is a Gemini API method; a Vertex AI client does not support it. List Vertex models in the Model Garden (console or \`gcloud ai model-garden models list\`), or call ${method} with a Gemini API client.`,
  });
}
