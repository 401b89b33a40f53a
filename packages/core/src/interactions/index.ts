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
export { createInteractions, INTERACTIONS_API_REVISION } from './create-interactions.ts';
export type { InteractionStreamOptions, Interactions } from './interactions.ts';
export { type InteractionsApiOptions, interactionsApi } from './interactions-api.ts';
