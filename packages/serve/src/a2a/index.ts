// @gemloop/serve/a2a: an A2A server (https://a2a-protocol.org, spec v1.0 as @a2a-js/sdk 1.3
// implements it) for a gemloop agent, as a Fetch-API handler (docs/serving-a2a.md).

export type { FetchHandler } from '../openai/create-openai-handler.ts';
export type { RateLimit } from '../openai/rate-limiter.ts';
export type { A2AAgentCardOptions, A2AHandlerOptions } from './a2a-handler-options.ts';
export { A2ARequestError } from './a2a-request-error.ts';
export { type A2AAgentArgs, a2aAgent } from './client/a2a-agent.ts';
export type { A2AAgentOptions } from './client/a2a-agent-options.ts';
export { A2ACardUrlError } from './client/a2a-card-url-error.ts';
export { createA2AHandler } from './create-a2a-handler.ts';
export type {
  A2ADurableOptions,
  A2ADurableRuns,
  A2AHistoryReference,
  A2AReferringHistoryStore,
} from './durable/durable-a2a-runs.ts';
export type { PushNotificationOptions, ResolvedAddress } from './push/push-notification-options.ts';
export { PushNotificationError } from './push/safe-push-notifications.ts';
