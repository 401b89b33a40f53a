import type { CheckContext } from '../http/attempts/check-responses.ts';
import { invalidResponse } from '../http/attempts/read-json-response.ts';
import type {
  BatchEmbedContentsResponse,
  ContentEmbedding,
  EmbedContentResponse,
  EmbeddingUsage,
} from './embeddings.ts';

/**
 * Checks an `embedContent` answer (`{ embedding: { values } }`, with `usageMetadata` and Vertex's
 * `truncated` when sent); unknown fields are kept.
 * @internal
 */
export function checkEmbedContentResponse(
  value: unknown,
  context: CheckContext,
  maxValues?: number | undefined,
): EmbedContentResponse {
  if (!isObject(value) || !isEmbedding(value['embedding'])) {
    throw invalidResponse(
      context,
      'returned a body without `embedding.values` (finite numbers, at least one)',
    );
  }
  checkMaxValues([value['embedding'] as ContentEmbedding], context, maxValues);
  return value as EmbedContentResponse;
}

/**
 * Reads Vertex's `:predict` answer (`predictions[0].embeddings: { values, statistics: {
 * token_count, truncated } }`, cloud.google.com/vertex-ai/generative-ai/docs/model-reference/
 * text-embeddings-api) into the Gemini API's shape.
 * @internal
 */
export function checkPredictResponse(
  value: unknown,
  context: CheckContext,
  maxValues?: number | undefined,
): EmbedContentResponse {
  const predictions = isObject(value) ? value['predictions'] : undefined;
  const first = Array.isArray(predictions) ? predictions[0] : undefined;
  const embeddings = isObject(first) ? first['embeddings'] : undefined;
  if (!isObject(embeddings) || !isEmbedding(embeddings)) {
    throw invalidResponse(context, 'returned a body without `predictions[0].embeddings.values`');
  }
  const result: EmbedContentResponse = { embedding: { values: embeddings['values'] as number[] } };
  checkMaxValues([result.embedding], context, maxValues);
  const statistics = (embeddings as Record<string, unknown>)['statistics'];
  if (isObject(statistics)) {
    const tokens = statistics['token_count'];
    if (typeof tokens === 'number') result.usageMetadata = { promptTokenCount: tokens };
    if (statistics['truncated'] === true) result.truncated = true;
  }
  return result;
}

/**
 * Checks a `batchEmbedContents` answer: `embeddings`, one per item (`items`, when given: a list
 * of another length would pair each text with another text's vector, without a word).
 * @internal
 */
export function checkBatchEmbedResponse(
  value: unknown,
  context: CheckContext,
  items?: number | undefined,
  maxValues?: number | undefined,
): BatchEmbedContentsResponse {
  const embeddings = isObject(value) ? value['embeddings'] : undefined;
  if (!Array.isArray(embeddings) || !embeddings.every(isEmbedding)) {
    throw invalidResponse(
      context,
      'returned a body without `embeddings` (each with `values`: finite numbers, at least one)',
    );
  }
  if (items !== undefined && embeddings.length !== items) {
    throw invalidResponse(
      context,
      `returned ${embeddings.length} embeddings for ${items} requests (one per request, in order, is the API's contract)`,
    );
  }
  checkMaxValues(embeddings, context, maxValues);
  return value as BatchEmbedContentsResponse;
}

/**
 * Refuses a vector longer than the model gives (`maxValues`, a known model's `maxDimensions`): an
 * asked size is checked against the answer later, but with none asked a gateway's 10,000,000
 * values were returned and stored, every search then walking them (attack47a).
 */
function checkMaxValues(
  embeddings: readonly ContentEmbedding[],
  context: CheckContext,
  maxValues: number | undefined,
): void {
  if (maxValues === undefined) return;
  for (const embedding of embeddings) {
    const length = embedding.values.length;
    if (length > maxValues) {
      throw invalidResponse(
        context,
        `returned an embedding of ${length} values; the model gives at most ${maxValues}`,
      );
    }
  }
}

/** The usage of an answer, for the debug line. @internal */
export function embedUsageOf(value: {
  usageMetadata?: EmbeddingUsage | undefined;
}): EmbeddingUsage | undefined {
  return value.usageMetadata;
}

// At least one value, each finite: JSON has no NaN, but `1e400` parses as Infinity, and a vector
// holding it scores NaN against every other (no minScore leaves it out); an empty one is no vector.
function isEmbedding(value: unknown): value is ContentEmbedding {
  if (!isObject(value)) return false;
  const values = value['values'];
  return (
    Array.isArray(values) &&
    values.length > 0 &&
    values.every((number) => typeof number === 'number' && Number.isFinite(number))
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
