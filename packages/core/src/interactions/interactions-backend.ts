import type { CallOptions } from '../http/call-options.ts';
import type { Gemini } from '../http/gemini.ts';
import { sleep } from '../retry/sleep.ts';
import type {
  CreateInteractionRequest,
  Interaction,
  InteractionEvent,
} from '../wire/interaction.ts';
import { createInteractions } from './create-interactions.ts';
import type { InteractionStreamOptions, Interactions } from './interactions.ts';

/**
 * What an agent's Interactions entry sends its calls through, and how it waits between two polls
 * of a background interaction. For a client `createGemini` made: its own Interactions API and an
 * in-memory sleep. A durable worker (`@gemloop/dbos`) registers another for the client it gives
 * its agents: `create` and `get` recorded steps, `sleep` a durable sleep, so a run replayed after
 * a crash polls the interaction it had created instead of creating a second one.
 * @internal
 */
export type InteractionsBackend = {
  /**
   * The API's calls, with a model call's in-step reports (`ModelCallInput.stepReports`) beside
   * the options of those a model step makes: a durable worker's backend keeps them with the
   * call's recorded steps; the client's own API takes no such argument.
   */
  readonly interactions: {
    create(
      request: CreateInteractionRequest,
      options?: CallOptions,
      stepReports?: unknown,
    ): Promise<Interaction>;
    get(id: string, options?: CallOptions, stepReports?: unknown): Promise<Interaction>;
    cancel: Interactions['cancel'];
    stream(
      request: CreateInteractionRequest,
      options?: InteractionStreamOptions,
      stepReports?: unknown,
    ): AsyncGenerator<InteractionEvent, void>;
  };
  /** Waits `milliseconds` (rejecting when `signal` aborts, where the backend can be woken). */
  sleep(milliseconds: number, signal?: AbortSignal | undefined): Promise<void>;
  /**
   * Waits up to `milliseconds` for a wake-up of background interaction `interactionId` (its
   * webhook), else like `sleep`: used in place of `sleep` when the agent's background settings
   * say `wakeOnWebhook`. A durable worker's backend has it (a DBOS message); others need not.
   */
  wait?(
    interactionId: string,
    milliseconds: number,
    signal?: AbortSignal | undefined,
  ): Promise<void>;
  /**
   * Whether `error`, thrown while a background interaction ran, stopped the run on purpose (so
   * the interaction is cancelled on the server rather than left to run and bill): the run's
   * signal aborted, or the durable run was cancelled. Not a worker losing its run to another,
   * which goes on polling the same interaction. @defaultValue the call's signal aborted
   */
  stopsRun?(error: unknown, options: CallOptions): boolean | Promise<boolean>;
};

// Keyed by the client object, as `registerModelCallEntry` is: nothing shows on the public `Gemini`.
// No signature can carry it: `interactionsApi()` meets the client only in `createAgent`. Not run data.
// why (kept): keyed by the user's client; see the reason above.
const backends = new WeakMap<object, InteractionsBackend>();

/** Makes `backend` the Interactions backend of agents given `gemini`. @internal */
export function registerInteractionsBackend(gemini: Gemini, backend: InteractionsBackend): void {
  backends.set(gemini, backend);
}

/**
 * The Interactions backend of `gemini`: the registered one, else the client's own API (which
 * throws `InvalidArgumentError` for a client `createGemini` did not make).
 * @internal
 */
export function interactionsBackendOf(gemini: Gemini): InteractionsBackend {
  return backends.get(gemini) ?? { interactions: createInteractions(gemini), sleep };
}
