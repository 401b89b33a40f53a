// @gemloop/serve/openai: an OpenAI-compatible endpoint (Chat Completions, Responses, models) for
// gemloop agents, as a Fetch-API handler (docs/serving-openai-compatible.md).

export type { FetchHandler } from './create-openai-handler.ts';
export { createOpenAIHandler } from './create-openai-handler.ts';
export type { OpenAIHandlerOptions } from './openai-handler-options.ts';
export type { OpenAIErrorBody, OpenAIErrorType } from './openai-request-error.ts';
export { OpenAIRequestError } from './openai-request-error.ts';
export type { RateLimit } from './rate-limiter.ts';
