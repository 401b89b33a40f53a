// The Interactions API's resources and SSE events (`/v1beta/interactions`, the `steps` schema of
// `Api-Revision: 2026-05-20`). Hand-written from `@google/genai` 3.1.0's `dist/genai.d.ts`
// (`Interaction`, `Step`, `StepStart`, `StepDelta`, `StepStop`, `InteractionCreatedEvent`,
// `InteractionStatusUpdate`, `InteractionCompletedEvent`, `ErrorEvent`) and
// ai.google.dev/gemini-api/docs/interactions, not from recordings. Kept lenient as the rest of the
// client: a step or an event of a type not listed here is kept as it came (its own `type` or
// `event_type` and fields), never refused.

/** Token counts of an interaction (`Usage`); fields the API adds are kept. */
export type InteractionUsage = {
  total_input_tokens?: number | undefined;
  total_output_tokens?: number | undefined;
  total_thought_tokens?: number | undefined;
  total_tokens?: number | undefined;
  [key: string]: unknown;
};

/** One piece of content of a step (`Content`): `{ type: 'text', text }`, an image, ... */
export type InteractionContent = {
  type: string;
  text?: string | undefined;
  [key: string]: unknown;
};

/** The steps gemloop reads by name; any other step type is kept as {@link UnknownStep}. */
export type KnownStep =
  | { type: 'user_input'; content?: InteractionContent[] | undefined }
  | {
      type: 'model_output';
      content?: InteractionContent[] | undefined;
      error?: { code?: number; message?: string } | undefined;
    }
  | {
      type: 'thought';
      signature?: string | undefined;
      summary?: InteractionContent[] | undefined;
    }
  | { type: 'function_call'; id: string; name: string; arguments: Record<string, unknown> }
  | {
      type: 'function_result';
      call_id: string;
      name?: string | undefined;
      is_error?: boolean | undefined;
      result: unknown;
    };

/**
 * A step of a type gemloop does not read by name (`google_search_call`, `code_execution_result`,
 * `mcp_server_tool_call`, ... and any type the API adds later), kept as data.
 */
export type UnknownStep = { type: string; [key: string]: unknown };

/** A step of an interaction (`Step`). */
export type InteractionStep = KnownStep | UnknownStep;

/**
 * The interaction's status (`InteractionStatus`): `in_progress`, `requires_action`, `completed`,
 * `failed`, `cancelled`, `incomplete`, `budget_exceeded`, `queued`, `requires_continuation`, or one
 * the API adds later.
 */
export type InteractionStatus =
  | 'in_progress'
  | 'requires_action'
  | 'completed'
  | 'failed'
  | 'cancelled'
  | 'incomplete'
  | 'budget_exceeded'
  | 'queued'
  | 'requires_continuation'
  | (string & {});

/** An interaction resource (`Interaction`); fields not listed are kept. */
export type Interaction = {
  id: string;
  status: InteractionStatus;
  model?: string | undefined;
  agent?: string | undefined;
  steps?: InteractionStep[] | undefined;
  previous_interaction_id?: string | undefined;
  continuation_token?: string | undefined;
  usage?: InteractionUsage | undefined;
  created?: string | undefined;
  updated?: string | undefined;
  [key: string]: unknown;
};

/** What `interactions.create` sends (`CreateInteractionParams`), in the API's own spelling. */
export type CreateInteractionRequest = {
  /** A model (`gemini-3-flash-preview`), or use `agent`. */
  model?: string | undefined;
  /** A built-in or managed agent (`deep-research-pro-preview-12-2025`), instead of `model`. */
  agent?: string | undefined;
  /**
   * A string, or steps (`user_input`, `function_result`, ...). Left out only to resume a decode
   * (`continuation_token` with `previous_interaction_id`).
   */
  input?: string | InteractionStep[] | InteractionContent[];
  previous_interaction_id?: string | undefined;
  /** Whether the server keeps the interaction (default on the API: true). */
  store?: boolean | undefined;
  /** Run it in the background: create answers at once, poll with `get` or `wait`. */
  background?: boolean | undefined;
  system_instruction?: string | undefined;
  tools?: unknown[] | undefined;
  generation_config?: Record<string, unknown> | undefined;
  response_format?: unknown;
  agent_config?: Record<string, unknown> | undefined;
  continuation_token?: string | undefined;
  [key: string]: unknown;
};

/** The partial interaction carried by the lifecycle events (`InteractionSseEventInteraction`). */
export type InteractionEventInteraction = {
  id: string;
  status: InteractionStatus;
  [key: string]: unknown;
};

/** The events gemloop reads by name; any other event type is kept as {@link UnknownInteractionEvent}. */
export type KnownInteractionEvent =
  | {
      event_type: 'interaction.created' | 'interaction.completed';
      event_id?: string | undefined;
      interaction: InteractionEventInteraction;
    }
  | {
      event_type: 'interaction.status_update';
      event_id?: string | undefined;
      interaction_id: string;
      status: InteractionStatus;
      continuation_token?: string | undefined;
      usage?: InteractionUsage | undefined;
    }
  | {
      event_type: 'step.start';
      event_id?: string | undefined;
      index: number;
      step: InteractionStep;
    }
  | {
      event_type: 'step.delta';
      event_id?: string | undefined;
      index: number;
      delta: { type: string; [key: string]: unknown };
    }
  | {
      event_type: 'step.stop';
      event_id?: string | undefined;
      index: number;
      usage?: InteractionUsage | undefined;
    }
  | {
      event_type: 'error';
      event_id?: string | undefined;
      error?: { code?: number | string; message?: string; [key: string]: unknown } | undefined;
    };

/** An event of an interaction type gemloop does not read by name, kept as data. */
export type UnknownInteractionEvent = {
  event_type: string;
  event_id?: string | undefined;
  [key: string]: unknown;
};

/** One SSE event of an interaction's stream. */
export type InteractionEvent = KnownInteractionEvent | UnknownInteractionEvent;
