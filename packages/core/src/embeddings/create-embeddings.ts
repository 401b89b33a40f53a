import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import type { CheckContext } from '../http/attempts/check-responses.ts';
import { withRequestPath } from '../http/attempts/load-request-path.ts';
import type { CallOptions } from '../http/call-options.ts';
import { internalsOf } from '../http/files/create-files.ts';
import type { Gemini } from '../http/gemini.ts';
import { resolveCallOptions } from '../http/options/resolve-call-options.ts';
import { toModelPath } from '../http/options/to-model-path.ts';
import { EmbeddingLengthError } from './embedding-length-error.ts';
import {
  findEmbeddingModel,
  isVertexEmbedContentModel,
  MAX_BATCH_EMBED_ITEMS,
} from './embedding-models.ts';
import type {
  ContentEmbedding,
  EmbedContentConfig,
  EmbedContentResponse,
  Embeddings,
  EmbeddingUsage,
} from './embeddings.ts';
import {
  checkBatchEmbedResponse,
  checkEmbedContentResponse,
  checkPredictResponse,
  embedUsageOf,
} from './read-embed-response.ts';
import {
  checkEmbedConfig,
  type EmbedPlatform,
  toEmbedContent,
  toGeminiApiBody,
  toVertexBody,
} from './to-embed-body.ts';

const CONFIG_KEYS = [
  'taskType',
  'title',
  'outputDimensionality',
  'autoTruncate',
  'mimeType',
] as const;

/**
 * The embedding methods of a client made by `createGemini`, on its request path (retries, attempt
 * time limits, size caps, typed `ApiCallError`s, debug lines, redaction). Routes and bodies: the
 * Gemini API's `models/{model}:embedContent` and `:batchEmbedContents`
 * (ai.google.dev/api/embeddings); Vertex AI's `:predict` for `gemini-embedding-001` and
 * `:embedContent` for the later Gemini embedding models, as `@google/genai` 2.32.0
 * `Models.embedContent` routes them (`tIsVertexEmbedContentModel`).
 *
 * @example
 * ```ts
 * const embeddings = createEmbeddings(gemini);
 * const { embedding } = await embeddings.embedContent({
 *   model: 'gemini-embedding-2',
 *   content: 'What is the meaning of life?',
 *   taskType: 'RETRIEVAL_QUERY',
 *   outputDimensionality: 768,
 * });
 * ```
 * @throws {@link InvalidArgumentError} when `gemini` was not made by `createGemini`.
 */
export function createEmbeddings(gemini: Gemini): Embeddings {
  const { client, defaults } = internalsOf(gemini, 'createEmbeddings');
  const platform: EmbedPlatform = client.vertex === undefined ? 'gemini-api' : 'vertex';
  const send = <T extends { usageMetadata?: EmbeddingUsage | undefined }>(
    method: string,
    model: string,
    url: string,
    body: Record<string, unknown>,
    callOptions: CallOptions | undefined,
    check: (value: unknown, context: CheckContext) => T,
  ): Promise<T> => {
    const call = resolveCallOptions(callOptions, client, defaults);
    const sent = JSON.stringify(body);
    return withRequestPath(({ requestJson }) =>
      requestJson<T>({
        client,
        call,
        method,
        model,
        url,
        httpMethod: 'POST',
        body: sent,
        check,
        usageOf: embedUsageOf,
      }),
    );
  };

  return {
    async embedContent(request, callOptions) {
      checkObject(request, 'request', "{ model: 'gemini-embedding-2', content: 'Hello' }");
      const model = toModelPath(request.model, 'request.model');
      const content = toEmbedContent(request.content, 'request.content');
      checkEmbedConfig(request, model, platform, 'request');
      const asked = [request.outputDimensionality];
      // A known model's most values: a longer vector is no answer of it (attack47a).
      const max = findEmbeddingModel(model)?.maxDimensions;
      if (platform === 'gemini-api') {
        const response = await send<EmbedContentResponse>(
          'embedContent',
          model,
          `${client.root}${model}:embedContent`,
          toGeminiApiBody(content, request),
          callOptions,
          (value, context) => checkEmbedContentResponse(value, context, max),
        );
        checkEmbeddingLengths([response.embedding], asked);
        return response;
      }
      const route = isVertexEmbedContentModel(model) ? 'embedContent' : 'predict';
      const response = await send<EmbedContentResponse>(
        'embedContent',
        model,
        `${client.root}${model}:${route}`,
        toVertexBody(content, request, model, 'request'),
        callOptions,
        (value, context) =>
          route === 'predict'
            ? checkPredictResponse(value, context, max)
            : checkEmbedContentResponse(value, context, max),
      );
      checkEmbeddingLengths([response.embedding], asked);
      return response;
    },

    async batchEmbedContents(request, callOptions) {
      checkObject(request, 'request', "{ model: 'gemini-embedding-2', requests: ['a', 'b'] }");
      const model = toModelPath(request.model, 'request.model');
      if (platform === 'vertex') {
        throw new InvalidArgumentError({
          argument: 'vertex',
          message:
            'batchEmbedContents is a Gemini API method; Vertex AI embeds one content per call. Call embedContent for each item.',
        });
      }
      const items = request.requests;
      if (!Array.isArray(items) || items.length === 0) {
        throw new InvalidArgumentError({
          argument: 'request.requests',
          message:
            'request.requests must be a non-empty array of contents (or { content, ...settings }).',
        });
      }
      if (items.length > MAX_BATCH_EMBED_ITEMS) {
        throw new InvalidArgumentError({
          argument: 'request.requests',
          message: `request.requests holds ${items.length} items; the API takes at most ${MAX_BATCH_EMBED_ITEMS} per batchEmbedContents call ("at most 100 requests can be in one batch"). Split them into calls of ${MAX_BATCH_EMBED_ITEMS}, or use the Batch API for large jobs.`,
        });
      }
      checkEmbedConfig(request, model, platform, 'request');
      const shared = pickConfig(request);
      const asked: (number | undefined)[] = [];
      const bodies = items.map((item, index) => {
        const argument = `request.requests[${index}]`;
        const own = isItem(item) ? { ...shared, ...pickConfig(item) } : shared;
        const content = toEmbedContent(
          isItem(item) ? item.content : item,
          isItem(item) ? `${argument}.content` : argument,
        );
        checkEmbedConfig(own, model, platform, argument);
        asked.push(own.outputDimensionality);
        return toGeminiApiBody(content, own, model);
      });
      const response = await send(
        'batchEmbedContents',
        model,
        `${client.root}${model}:batchEmbedContents`,
        { requests: bodies },
        callOptions,
        (value, context) =>
          checkBatchEmbedResponse(
            value,
            context,
            bodies.length,
            findEmbeddingModel(model)?.maxDimensions,
          ),
      );
      checkEmbeddingLengths(response.embeddings, asked);
      return response;
    },
  };
}

/**
 * Refuses an answer whose vectors are not the length asked for (`asked[i]`, the item's
 * `outputDimensionality`) or, where none was asked, not the length of the answer's other such
 * vectors (one model, one size). The API cuts a vector to `outputDimensionality` ("excessive
 * values in the output embedding are truncated from the end",
 * https://ai.google.dev/api/embeddings#method:-models.embedcontent); a gateway that ignores it
 * answered the model's own size, which a store compared with vectors of the asked size (scored 0,
 * never found). Read here, where the answer is read, so the error names both lengths.
 */
function checkEmbeddingLengths(
  embeddings: readonly ContentEmbedding[],
  asked: readonly (number | undefined)[],
): void {
  let unasked: number | undefined;
  for (let index = 0; index < embeddings.length; index++) {
    const received = (embeddings[index] as ContentEmbedding).values.length;
    const expected = asked[index] ?? unasked;
    if (expected !== undefined && received !== expected)
      throw new EmbeddingLengthError({ expected, received, source: 'response' });
    if (asked[index] === undefined) unasked = received;
  }
}

/** `{ content, ...settings }` rather than a Content (`{ parts }`) or parts. @internal */
export function isItem(item: unknown): item is { content: unknown } & EmbedContentConfig {
  return typeof item === 'object' && item !== null && !Array.isArray(item) && 'content' in item;
}

/** The embedding settings of an object, without anything else. @internal */
export function pickConfig(source: EmbedContentConfig): EmbedContentConfig {
  const config: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) {
    if (source[key] !== undefined) config[key] = source[key];
  }
  return config as EmbedContentConfig;
}

function checkObject(request: unknown, argument: string, example: string): void {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    throw new InvalidArgumentError({
      argument,
      message: `${argument} must be an object such as ${example}.`,
    });
  }
}
