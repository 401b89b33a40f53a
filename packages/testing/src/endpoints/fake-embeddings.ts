import { findEmbeddingModel, MAX_BATCH_EMBED_ITEMS } from '@gemloop/core/embeddings';
import { estimateTokens, isJsonObject, readField } from '@gemloop/core/internal';
import { type FakeHttpError, googleError } from '../script/fake-errors.ts';
import type { FakeEmbed, FakeModels } from '../script/fake-types.ts';

/** The embedding methods the fake serves. @internal */
export const EMBED_METHODS: ReadonlySet<string> = new Set([
  'embedContent',
  'batchEmbedContents',
  'asyncBatchEmbedContent',
  'predict',
]);

/** The longest embedding of the models the fake knows (and the default length). */
const FULL_DIMENSIONS = 3072;

/** The fields of the Gemini API's `EmbedContentRequest` (ai.google.dev/api/embeddings). */
// Each field in both JSON spellings: proto3 JSON parsers "accept both the lowerCamelCase name
// ... and the original proto field name" (protobuf.dev/programming-guides/json), so a client that
// writes `task_type` or `output_dimensionality` (as Python code often does) is answered, not 400'd.
const GEMINI_API_FIELDS = new Set([
  'model',
  'content',
  'taskType',
  'task_type',
  'title',
  'outputDimensionality',
  'output_dimensionality',
]);

/**
 * Whether `model` is an embedding model for the fake: gemloop's table of embedding models, the
 * test's own list, or with `models: 'pattern'` any `gemini-embedding-*` name. @internal
 */
export function isKnownEmbeddingModel(model: string, models: FakeModels | undefined): boolean {
  if (typeof models === 'function') return models(model);
  if (Array.isArray(models)) return models.includes(model);
  if (findEmbeddingModel(model) !== undefined) return true;
  return models === 'pattern' && /^gemini-embedding-[a-z0-9.-]+$/.test(model);
}

/**
 * A deterministic embedding of `content`: a unit vector of 3072 numbers seeded by a hash of the
 * content's JSON, cut to `dimensions` (Matryoshka truncation keeps a prefix). The same content
 * always gives the same vector, so an exact match scores 1 in a cosine search. Google normalises
 * `gemini-embedding-2`'s vectors at every size, `gemini-embedding-001`'s at 3072 only ("For other
 * dimensions ... you need to normalize the embeddings", ai.google.dev/gemini-api/docs/embeddings);
 * the fake does the same. @internal
 */
export function fakeEmbedding(content: unknown, dimensions: number, normalise: boolean): number[] {
  let seed = 2166136261;
  for (const char of JSON.stringify(content) ?? '') {
    seed = Math.imul(seed ^ char.charCodeAt(0), 16777619) >>> 0;
  }
  const full: number[] = [];
  let sumOfSquares = 0;
  for (let index = 0; index < FULL_DIMENSIONS; index++) {
    // mulberry32: small, fast and good enough for a test vector.
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const value = ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
    full.push(value);
    sumOfSquares += value * value;
  }
  const norm = Math.sqrt(sumOfSquares);
  const unit = full.map((value) => value / norm);
  const prefix = unit.slice(0, dimensions);
  if (!normalise || dimensions === FULL_DIMENSIONS) return prefix;
  const prefixNorm = Math.sqrt(prefix.reduce((sum, value) => sum + value * value, 0));
  return prefix.map((value) => value / prefixNorm);
}

type Embedded = { values: number[]; tokens: number; media: number };

/**
 * One Gemini API `EmbedContentRequest` checked as the API checks it, and embedded; or the 400 the
 * API answers. @internal
 */
export function embedOne(
  model: string,
  body: unknown,
  where: string,
  options: { fields?: ReadonlySet<string> | undefined; embed?: FakeEmbed | undefined } = {},
): Embedded | FakeHttpError {
  const fields = options.fields ?? GEMINI_API_FIELDS;
  if (!isJsonObject(body)) return invalid(`Invalid value at '${where}' (EmbedContentRequest).`);
  for (const key of Object.keys(body)) {
    if (!fields.has(key)) {
      return invalid(
        `Invalid JSON payload received. Unknown name "${key}" at '${where}': Cannot find field.`,
      );
    }
  }
  const content = body['content'];
  const parts = isJsonObject(content) ? content['parts'] : undefined;
  if (!Array.isArray(parts) || parts.length === 0 || parts.every(isBlankText)) {
    return invalid(`* ${where}.content: contents is not specified`);
  }
  const known = findEmbeddingModel(model);
  if (
    known !== undefined &&
    !known.multimodal &&
    !parts.every((part) => isJsonObject(part) && typeof part['text'] === 'string')
  ) {
    return invalid(
      `* ${where}.content: ${model} accepts text only; use gemini-embedding-2 for media.`,
    );
  }
  const dimensions = readField(body, 'outputDimensionality', 'output_dimensionality');
  const max = known?.maxDimensions ?? FULL_DIMENSIONS;
  if (
    dimensions !== undefined &&
    (!Number.isInteger(dimensions) || (dimensions as number) < 1 || (dimensions as number) > max)
  ) {
    return invalid(
      `* ${where}.output_dimensionality: must be between 1 and ${max}, got ${JSON.stringify(dimensions)}.`,
    );
  }
  const estimate = estimateTokens([parts]);
  const size = (dimensions as number | undefined) ?? max;
  const values =
    options.embed === undefined
      ? fakeEmbedding(parts, size, known?.multimodal !== false)
      : ownEmbedding(options.embed, { model, parts, dimensions: size });
  if (!Array.isArray(values)) return values;
  return { values, tokens: estimate.text, media: estimate.media };
}

/**
 * The test's own embedding (`embed`), checked: a vector of the asked size of finite numbers, or a
 * 500 that says what was wrong (a test's mistake, not the client's).
 */
function ownEmbedding(
  embed: FakeEmbed,
  input: { model: string; parts: unknown[]; dimensions: number },
): number[] | FakeHttpError {
  const text = input.parts
    .map((part) => (isJsonObject(part) && typeof part['text'] === 'string' ? part['text'] : ''))
    .join('');
  let values: unknown;
  try {
    values = embed({ ...input, text });
  } catch (error) {
    return googleError(500, `[gemloop fake] the embed option threw: ${String(error)}`);
  }
  if (
    !Array.isArray(values) ||
    values.length !== input.dimensions ||
    !values.every((value) => typeof value === 'number' && Number.isFinite(value))
  ) {
    return googleError(
      500,
      `[gemloop fake] the embed option must return ${input.dimensions} finite numbers (the asked outputDimensionality).`,
    );
  }
  return [...values];
}

/** The Gemini API's `embedContent` answer. @internal */
export function answerEmbedContent(
  model: string,
  body: unknown,
  embed?: FakeEmbed,
): { status: number; body: unknown } {
  const embedded = embedOne(model, body, 'embed_content_request', { embed });
  if ('status' in embedded) return embedded;
  return {
    status: 200,
    body: { embedding: { values: embedded.values }, usageMetadata: usageOf([embedded]) },
  };
}

/** The Gemini API's `batchEmbedContents` answer. @internal */
export function answerBatchEmbedContents(
  model: string,
  body: unknown,
  embed?: FakeEmbed,
): { status: number; body: unknown } {
  const requests = isJsonObject(body) ? body['requests'] : undefined;
  if (!Array.isArray(requests) || requests.length === 0) {
    return invalid('* BatchEmbedContentsRequest.requests: requests is not specified');
  }
  if (requests.length > MAX_BATCH_EMBED_ITEMS) {
    // The API's own words (langchain-ai/langchainjs issue 4491, weaviate/weaviate PR 11277).
    return invalid(
      '* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch',
    );
  }
  const embedded: Embedded[] = [];
  for (const [index, request] of requests.entries()) {
    const named = isJsonObject(request) ? request['model'] : undefined;
    if (named !== `models/${model}`) {
      return invalid(
        `* BatchEmbedContentsRequest.requests[${index}].model: the model of each request must be the model of the call (models/${model}); got ${JSON.stringify(named)}.`,
      );
    }
    const one = embedOne(model, request, `requests[${index}]`, { embed });
    if ('status' in one) return one;
    embedded.push(one);
  }
  return {
    status: 200,
    body: {
      embeddings: embedded.map(({ values }) => ({ values })),
      usageMetadata: usageOf(embedded),
    },
  };
}

/** Vertex AI's `:embedContent` (`{ content, embedContentConfig }`) and `:predict` answers. @internal */
export function answerVertexEmbedding(
  model: string,
  method: string,
  body: unknown,
  embed?: FakeEmbed,
): { status: number; body: unknown } {
  const known = findEmbeddingModel(model);
  if (method === 'embedContent') {
    const config = isJsonObject(body)
      ? readField(body, 'embedContentConfig', 'embed_content_config')
      : undefined;
    const flat = isJsonObject(body)
      ? { content: body['content'], ...(isJsonObject(config) ? config : {}) }
      : body;
    const embedded = embedOne(model, flat, 'embed_content_request', {
      fields: VERTEX_FIELDS,
      embed,
    });
    if ('status' in embedded) return embedded;
    return {
      status: 200,
      body: {
        embedding: { values: embedded.values },
        usageMetadata: usageOf([embedded]),
        truncated: false,
      },
    };
  }
  if (known?.multimodal === true) {
    return invalid(`${model} is served on :embedContent, not :predict.`);
  }
  const instances = isJsonObject(body) ? body['instances'] : undefined;
  if (!Array.isArray(instances) || instances.length !== 1) {
    // gemini-embedding-001 takes one input per request on Vertex AI.
    return invalid(`${model} takes exactly one instance per request.`);
  }
  const instance = instances[0];
  const text = isJsonObject(instance) ? instance['content'] : undefined;
  const parameters = isJsonObject(body) ? body['parameters'] : undefined;
  const dimensions = isJsonObject(parameters)
    ? readField(parameters, 'outputDimensionality', 'output_dimensionality')
    : undefined;
  const embedded = embedOne(
    model,
    {
      content: { parts: [{ text: typeof text === 'string' ? text : '' }] },
      outputDimensionality: dimensions,
    },
    'instances[0]',
    { embed },
  );
  if ('status' in embedded) return embedded;
  return {
    status: 200,
    body: {
      predictions: [
        {
          embeddings: {
            values: embedded.values,
            statistics: { token_count: embedded.tokens, truncated: false },
          },
        },
      ],
    },
  };
}

const VERTEX_FIELDS = new Set([
  'content',
  'taskType',
  'task_type',
  'title',
  'outputDimensionality',
  'output_dimensionality',
  'autoTruncate',
  'auto_truncate',
  'documentOcr',
  'document_ocr',
  'audioTrackExtraction',
  'audio_track_extraction',
]);

function usageOf(embedded: readonly Embedded[]): Record<string, unknown> {
  const text = embedded.reduce((sum, one) => sum + one.tokens, 0);
  const media = embedded.reduce((sum, one) => sum + one.media, 0);
  const promptTokensDetails = [{ modality: 'TEXT', tokenCount: text }];
  if (media > 0) promptTokensDetails.push({ modality: 'IMAGE', tokenCount: media });
  return { promptTokenCount: text + media, promptTokensDetails };
}

function isBlankText(part: unknown): boolean {
  if (!isJsonObject(part)) return true;
  const keys = Object.keys(part);
  return keys.every((key) => key === 'text') && String(part['text'] ?? '').trim() === '';
}

function invalid(message: string): FakeHttpError {
  return googleError(400, message, { status: 'INVALID_ARGUMENT' });
}
