import type { WrapModelRequest } from '../agent/plugins/model-requests/model-requests.ts';

/**
 * The Interactions API as an agent's `api`, made by `interactionsApi()` from
 * `@gemloop/core/interactions`: a plugin that answers the agent's model requests on the
 * Interactions API (its `wrapModelRequest` never calls `next`), listed in `agent.plugins` as
 * `interactions`. It carries the backend itself, so an agent that stays on `generateContent`
 * never loads (or bundles) the Interactions code.
 */
export type InteractionsApi = {
  readonly name: 'interactions';
  /** Whether the server keeps each interaction (`store`). See `InteractionsApiOptions.store`. */
  readonly store: boolean;
  /**
   * How each model call waits as a background interaction, when it is one (see
   * `InteractionsApiOptions.background`); left out, calls are unary or streamed.
   */
  readonly background?: InteractionsBackground | undefined;
  /**
   * The agent's entry over this API, made once per agent (and per model a fallback sends to):
   * the agent's requests are translated to interactions and their answers back; `next` (the
   * client's entry, or the plugins' after this one) is not called, only its `redact` kept.
   */
  readonly wrapModelRequest: WrapModelRequest;
};

/**
 * How an agent on the Interactions API waits for a background interaction (`background: true`):
 * it creates the interaction, which the API answers at once (`queued` or `in_progress`), then
 * polls `get` until it is done, the pause between two polls growing by half from
 * `pollIntervalMs` up to `maxPollIntervalMs`. Past `maxWaitMs` of pauses the interaction is
 * cancelled and the call throws `TimeoutError` (operation `interactions.background`).
 */
export type InteractionsBackground = {
  /** The first pause, in milliseconds (1 to 3,600,000). @defaultValue 1000 */
  pollIntervalMs?: number | undefined;
  /** The longest pause, in milliseconds (1 to 3,600,000). @defaultValue 10000 */
  maxPollIntervalMs?: number | undefined;
  /**
   * The most one model call waits, as the sum of its pauses, in milliseconds (1 to 7 days).
   * @defaultValue 7200000 (2 hours; Google documents research tasks of up to an hour)
   */
  maxWaitMs?: number | undefined;
  /**
   * Wait for a webhook instead of polling: in a durable run (`@gemloop/dbos`), each pause becomes
   * a wait for the run's wake-up message (`runs.handleWebhook` or `runs.wakeInteraction` sends
   * it when Google's `interaction.completed` webhook arrives), with the poll after the pause as a
   * fallback only. Pair it with long pauses (`pollIntervalMs` of minutes): the run then makes one
   * poll when woken instead of one per pause. Outside a durable run it changes nothing (a
   * process's own pauses poll). @defaultValue false
   */
  wakeOnWebhook?: boolean | undefined;
};

export type { AgentApi } from '../agent/plugins/model-requests/model-requests.ts';
