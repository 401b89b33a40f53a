import { InvalidArgumentError } from '../errors/invalid-argument-error.ts';
import { describeValue } from '../options/define-options.ts';
import type { Content, Part } from '../wire/content.ts';
import { findEmbeddingModel, isVertexEmbedContentModel } from './embedding-models.ts';
import type { EmbedContentConfig } from './embeddings.ts';

/** Which API a body is for. @internal */
export type EmbedPlatform = 'gemini-api' | 'vertex';

/** Whatever the models allow, an embedding is never longer than this (every known model's cap). */
const MAX_DIMENSIONS = 3072;

/**
 * The content of an embedding: a string is one text part; parts or a Content are kept as given.
 * Empty input (no parts, or text parts that are all blank) is refused: the API answers it with a
 * 400 that does not name the item.
 * @internal
 */
export function toEmbedContent(input: unknown, argument: string): Content {
  let parts: unknown;
  if (typeof input === 'string') parts = [{ text: input }];
  else if (Array.isArray(input)) parts = input;
  else if (typeof input === 'object' && input !== null && 'parts' in input) {
    parts = (input as Content).parts;
  } else {
    throw new InvalidArgumentError({
      argument,
      message: `${argument} must be a string, an array of parts or a Content ({ parts }); got ${describeValue(input)}.`,
    });
  }
  if (!Array.isArray(parts) || !parts.every((part) => typeof part === 'object' && part !== null)) {
    throw new InvalidArgumentError({
      argument,
      message: `${argument} must hold an array of parts (objects such as { text } or { inlineData }).`,
    });
  }
  const list = parts as Part[];
  if (list.every(isBlankText)) {
    throw new InvalidArgumentError({
      argument,
      message: `${argument} is empty: give it some text or media to embed (an empty item cannot be embedded).`,
    });
  }
  return { parts: list };
}

function isBlankText(part: Part): boolean {
  const keys = Object.keys(part).filter(
    (key) => (part as Record<string, unknown>)[key] !== undefined,
  );
  return keys.every((key) => key === 'text') && (part.text ?? '').trim() === '';
}

/**
 * The settings checked: the Vertex-only fields refused on the Gemini API (as `@google/genai` 2.32.0
 * `embedContentConfigToMldev` does), `outputDimensionality` a whole number from 1 to the model's
 * maximum.
 * @internal
 */
export function checkEmbedConfig(
  config: EmbedContentConfig,
  model: string,
  platform: EmbedPlatform,
  argument: string,
): void {
  const { taskType, title, outputDimensionality, autoTruncate, mimeType } = config;
  if (taskType !== undefined && (typeof taskType !== 'string' || taskType === '')) {
    throw invalid(`${argument}.taskType`, "must be a task type such as 'RETRIEVAL_DOCUMENT'");
  }
  if (title !== undefined && typeof title !== 'string') {
    throw invalid(`${argument}.title`, 'must be a string');
  }
  if (outputDimensionality !== undefined) {
    const max = findEmbeddingModel(model)?.maxDimensions ?? MAX_DIMENSIONS;
    if (
      typeof outputDimensionality !== 'number' ||
      !Number.isInteger(outputDimensionality) ||
      outputDimensionality < 1 ||
      outputDimensionality > max
    ) {
      throw invalid(
        `${argument}.outputDimensionality`,
        `must be a whole number from 1 to ${max} (the most ${model.replace(/^models\//, '')} returns; 768, 1536 and 3072 are the sizes Google recommends); got ${describeValue(outputDimensionality)}`,
      );
    }
  }
  if (autoTruncate !== undefined && typeof autoTruncate !== 'boolean') {
    throw invalid(`${argument}.autoTruncate`, 'must be true or false');
  }
  if (platform === 'gemini-api') {
    for (const [field, value] of [
      ['autoTruncate', autoTruncate],
      ['mimeType', mimeType],
    ] as const) {
      if (value !== undefined) {
        throw invalid(
          `${argument}.${field}`,
          'is a Vertex AI field; the Gemini API has none. Drop it, or call through a client made with vertex',
        );
      }
    }
  } else if (mimeType !== undefined && isVertexEmbedContentModel(model)) {
    throw invalid(
      `${argument}.mimeType`,
      `is read by Vertex's :predict models (gemini-embedding-001) only; give ${model.replace(/^models\//, '')} media as inlineData or fileData parts, which carry their own mimeType`,
    );
  }
}

/** The Gemini API's `EmbedContentRequest` (ai.google.dev/api/embeddings). @internal */
export function toGeminiApiBody(
  content: Content,
  config: EmbedContentConfig,
  model?: string,
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (model !== undefined) body['model'] = model;
  body['content'] = content;
  if (config.taskType !== undefined) body['taskType'] = config.taskType;
  if (config.title !== undefined) body['title'] = config.title;
  if (config.outputDimensionality !== undefined) {
    body['outputDimensionality'] = config.outputDimensionality;
  }
  return body;
}

/**
 * Vertex AI's body for `model`: `:embedContent`'s `{ content, embedContentConfig }` or
 * `:predict`'s `{ instances: [{ content, task_type, title, mimeType }], parameters }`, as
 * `@google/genai` 2.32.0 `embedContentParametersPrivateToVertex` writes them. `:predict` reads text
 * alone.
 * @internal
 */
export function toVertexBody(
  content: Content,
  config: EmbedContentConfig,
  model: string,
  argument: string,
): Record<string, unknown> {
  if (isVertexEmbedContentModel(model)) {
    const settings: Record<string, unknown> = {};
    if (config.taskType !== undefined) settings['taskType'] = config.taskType;
    if (config.title !== undefined) settings['title'] = config.title;
    if (config.outputDimensionality !== undefined) {
      settings['outputDimensionality'] = config.outputDimensionality;
    }
    if (config.autoTruncate !== undefined) settings['autoTruncate'] = config.autoTruncate;
    const body: Record<string, unknown> = { content };
    if (Object.keys(settings).length > 0) body['embedContentConfig'] = settings;
    return body;
  }
  const parts = content.parts ?? [];
  if (parts.length !== 1 || typeof parts[0]?.text !== 'string') {
    throw invalid(
      `${argument}.content`,
      `must be one text part for ${model.replace(/^models\//, '')} on Vertex AI (:predict embeds text only); use gemini-embedding-2 for media`,
    );
  }
  const instance: Record<string, unknown> = { content: parts[0].text };
  if (config.taskType !== undefined) instance['task_type'] = config.taskType;
  if (config.title !== undefined) instance['title'] = config.title;
  if (config.mimeType !== undefined) instance['mimeType'] = config.mimeType;
  const parameters: Record<string, unknown> = {};
  if (config.outputDimensionality !== undefined) {
    parameters['outputDimensionality'] = config.outputDimensionality;
  }
  if (config.autoTruncate !== undefined) parameters['autoTruncate'] = config.autoTruncate;
  const body: Record<string, unknown> = { instances: [instance] };
  if (Object.keys(parameters).length > 0) body['parameters'] = parameters;
  return body;
}

function invalid(argument: string, problem: string): InvalidArgumentError {
  return new InvalidArgumentError({ argument, message: `${argument} ${problem}.` });
}
