// @gemloop/serve/ag-ui: an AG-UI endpoint (https://docs.ag-ui.com) for a gemloop agent, as a
// Fetch-API handler (docs/serving-ag-ui.md).

export type { FetchHandler } from '../openai/create-openai-handler.ts';
export type { RateLimit } from '../openai/rate-limiter.ts';
export type { AgUiHandlerOptions } from './ag-ui-handler-options.ts';
export { AgUiRequestError } from './ag-ui-request-error.ts';
export type { AgUiStateOptions } from './ag-ui-state.ts';
export { createAgUiHandler } from './create-ag-ui-handler.ts';
