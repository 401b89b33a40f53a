import type { ApiCallError } from '../../errors/api-call-error.ts';
import type { CachedContent, ListCachedContentsResponse } from '../../wire/cached-content.ts';
import type { CountTokensResponse, ListModelsResponse, Model } from '../../wire/models.ts';
import { readUsageCount } from '../../wire/read-usage-count.ts';
import { checkNextPageToken, refuseSnakeCase } from './check-next-page-token.ts';
import type { CheckContext } from './check-responses.ts';
import { invalidResponse } from './read-json-response.ts';
import {
  hasSnakeTwin,
  isSnakeCasePage,
  type ReadCheck,
  readingSnakeCase,
} from './read-snake-case.ts';

// The checks of the client's other resources (token counts, models, caches): imported by the
// modules of those calls, each loaded on its first use, not by the request path an agent's run
// loads (check-responses.ts), so an agent app does not carry them.

/**
 * Checks a `countTokens` body. `totalTokens` is omitted by proto3 JSON when it is 0, so a missing
 * count reads as 0; a string of digits is read as its number, as usage counts are
 * (`readUsageCount`); anything else that is not a whole count from 0 to 2^31 - 1 (negative,
 * fractional, `1e400`) is refused: a budget check on it would pass when it should fail.
 * @internal
 */
export function checkCountTokensResponse(
  value: unknown,
  context: CheckContext,
): CountTokensResponse {
  if (!isObject(value)) throw fail(context, 'returned a body that is not an object');
  const total = value['totalTokens'];
  // An absent count is 0 (proto3 JSON leaves a zero out). A snake_case gateway's `total_tokens`
  // was renamed before this check (readCountTokensResponse), not read as a free prompt.
  if (total === undefined || total === null) value['totalTokens'] = 0;
  else {
    const count = readUsageCount(total);
    if (count === undefined) {
      throw fail(context, '`totalTokens` is not a token count (a whole number from 0 to 2^31 - 1)');
    }
    value['totalTokens'] = count;
  }
  return value as CountTokensResponse;
}

/**
 * {@link checkCountTokensResponse}, reading a snake_case gateway's `total_tokens`,
 * `cached_content_token_count` and `prompt_tokens_details` as their camelCase twins.
 * @internal
 */
export const readCountTokensResponse: ReadCheck<CountTokensResponse> = readingSnakeCase(
  checkCountTokensResponse,
  (value) => hasSnakeTwin(value, ['totalTokens', 'cachedContentTokenCount', 'promptTokensDetails']),
);

/**
 * Checks a `models.list` page. `models` is omitted on an empty page, so it reads as `[]`.
 * @internal
 */
export function checkListModelsResponse(value: unknown, context: CheckContext): ListModelsResponse {
  if (!isObject(value)) throw fail(context, 'returned a body that is not an object');
  const models = value['models'];
  if (models === undefined || models === null) value['models'] = [];
  else if (!Array.isArray(models) || !models.every(isModel)) {
    throw fail(context, '`models` is not an array of models with a `name`');
  }
  checkNextPageToken(value, context);
  return value as ListModelsResponse;
}

/** Whether a model is spelt in snake_case (`input_token_limit`, ...). */
function isSnakeCaseModel(value: unknown): boolean {
  return hasSnakeTwin(value, ['inputTokenLimit', 'supportedGenerationMethods', 'baseModelId']);
}

/**
 * {@link checkListModelsResponse}, reading a snake_case page (`next_page_token`, the models'
 * `input_token_limit`) in camelCase.
 * @internal
 */
export const readListModelsResponse: ReadCheck<ListModelsResponse> = readingSnakeCase(
  checkListModelsResponse,
  (page) => isSnakeCasePage(page, 'models', isSnakeCaseModel),
);

/** {@link checkModelResponse}, reading a snake_case model in camelCase. @internal */
export const readModelResponse: ReadCheck<Model> = readingSnakeCase(
  checkModelResponse,
  isSnakeCaseModel,
);

/**
 * Checks a `models.get` body: an object with a string `name`.
 * @internal
 */
export function checkModelResponse(value: unknown, context: CheckContext): Model {
  if (!isModel(value)) throw fail(context, 'returned a body that is not a model with a `name`');
  return value;
}

/**
 * Checks a `cachedContents` resource: an object with a string `name`.
 * @internal
 */
export function checkCachedContentResponse(value: unknown, context: CheckContext): CachedContent {
  if (!isCache(value)) {
    throw invalidResponse(context, 'returned a body that is not a CachedContent with a `name`');
  }
  return value;
}

/** Whether a cached content is spelt in snake_case (its times, its usage). @internal */
export function isSnakeCaseCache(value: unknown): boolean {
  return hasSnakeTwin(value, ['expireTime', 'createTime', 'usageMetadata', 'displayName']);
}

/**
 * {@link checkCachedContentResponse}, reading a snake_case gateway's cache (`expire_time`,
 * `usage_metadata`) in camelCase; its contents' `args` and a function's `response` kept.
 * @internal
 */
export const readCachedContentResponse: ReadCheck<CachedContent> = readingSnakeCase(
  checkCachedContentResponse,
  isSnakeCaseCache,
);

/**
 * {@link checkCacheListResponse}, reading a snake_case page (`cached_contents`,
 * `next_page_token`) in camelCase.
 * @internal
 */
export const readCacheListResponse: ReadCheck<ListCachedContentsResponse> = readingSnakeCase(
  checkCacheListResponse,
  (page) => isSnakeCasePage(page, 'cachedContents', isSnakeCaseCache),
);

/**
 * Checks a `cachedContents.list` page. `cachedContents` is omitted on an empty page, so it reads as
 * `[]`.
 * @internal
 */
export function checkCacheListResponse(
  value: unknown,
  context: CheckContext,
): ListCachedContentsResponse {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidResponse(context, 'returned a body that is not an object');
  }
  const page = value as Record<string, unknown>;
  const list = page['cachedContents'];
  if (list === undefined || list === null) page['cachedContents'] = [];
  else if (!Array.isArray(list) || !list.every(isCache)) {
    throw invalidResponse(context, '`cachedContents` is not an array of caches with a `name`');
  }
  refuseSnakeCase(page, 'cachedContents', context);
  checkNextPageToken(page, context);
  return page as ListCachedContentsResponse;
}

function isCache(value: unknown): value is CachedContent {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as { name?: unknown }).name === 'string'
  );
}

function isModel(value: unknown): value is Model {
  return isObject(value) && typeof value['name'] === 'string';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(context: CheckContext, problem: string): ApiCallError {
  return invalidResponse(context, problem);
}
