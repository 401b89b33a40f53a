// @gemloop/core/interactions: the Interactions API (`/v1beta/interactions`) of Google's Gemini API:
// server-side state, background runs, typed steps, resumable SSE events.

export type {
  CreateInteractionRequest,
  Interaction,
  InteractionContent,
  InteractionEvent,
  InteractionEventInteraction,
  InteractionStatus,
  InteractionStep,
  InteractionUsage,
  KnownInteractionEvent,
  KnownStep,
  UnknownInteractionEvent,
  UnknownStep,
} from '../wire/interaction.ts';
export type { AgentApi, InteractionsApi, InteractionsBackground } from './agent-api.ts';
export { createEnvironments } from './create-environments.ts';
export { createInteractions, INTERACTIONS_API_REVISION } from './create-interactions.ts';
export { createManagedAgents } from './create-managed-agents.ts';
export { createTriggers } from './create-triggers.ts';
export { createWebhooks } from './create-webhooks.ts';
export type {
  AgentEnvironment,
  AgentEnvironmentPage,
  AgentEnvironments,
  CreateEnvironmentRequest,
} from './environments.ts';
export type { InteractionStreamOptions, Interactions } from './interactions.ts';
export { type InteractionsApiOptions, interactionsApi } from './interactions-api.ts';
export type {
  AgentEnvironmentConfig,
  ManagedAgent,
  ManagedAgentDefinition,
  ManagedAgentPage,
  ManagedAgents,
} from './managed-agents.ts';
export type { ResourceListOptions } from './resource-requests.ts';
export type {
  CreateTriggerRequest,
  Trigger,
  TriggerExecution,
  TriggerExecutionPage,
  TriggerPage,
  Triggers,
} from './triggers.ts';
export type {
  VerifiedWebhook,
  VerifyWebhookOptions,
  WebhookEvent,
  WebhookHeaders,
} from './verify-webhook.ts';
export { signWebhook, verifyWebhook } from './verify-webhook.ts';
export type {
  CreateWebhookRequest,
  Webhook,
  WebhookEventType,
  WebhookPage,
  WebhookRevocation,
  WebhookSigningSecret,
  Webhooks,
} from './webhooks.ts';
